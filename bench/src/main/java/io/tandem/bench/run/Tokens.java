package io.tandem.bench.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Access tokens from {@code POST /auth/token}, fetched in parallel (bounded concurrency) on a
 * keep-alive connection pool. A 429 is retried after its {@code Retry-After}; other failures are
 * retried a few times, then fail the batch.
 */
public final class Tokens implements AutoCloseable {
  /** Attempts per token before the batch fails. */
  public static final int ATTEMPTS = 5;

  /** An access token and its subject (the user id / peer id the others will see). */
  public record Token(String access, String userId) {}

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final int port;
  private final int concurrency;
  private final String prefix = "bench-" + Long.toHexString(System.nanoTime());
  private final AtomicInteger seq = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();

  public Tokens(Vertx vertx, String host, String localAddress, int port, int concurrency) {
    this.vertx = vertx;
    this.port = port;
    this.concurrency = concurrency;
    HttpClientOptions o = new HttpClientOptions().setDefaultHost(host).setDefaultPort(port).setKeepAlive(true)
        .setConnectTimeout(10_000);
    if (localAddress != null) o.setLocalAddress(localAddress);
    this.http = vertx.createHttpClient(o, new PoolOptions().setHttp1MaxSize(concurrency).setMaxWaitQueueSize(-1));
  }

  public Tokens(Vertx vertx, int port, int concurrency) {
    this(vertx, "127.0.0.1", null, port, concurrency);
  }

  /** Requests that were retried so far (429s and transient failures). */
  public int retries() {
    return retries.get();
  }

  /** Fetches {@code n} tokens, at most {@code concurrency} requests in flight. */
  public Future<List<Token>> fetch(int n) {
    Token[] out = new Token[n];
    Promise<List<Token>> done = Promise.promise();
    if (n == 0) return Future.succeededFuture(List.of());
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    int workers = Math.min(concurrency, n);
    for (int w = 0; w < workers; w++) {
      worker(next, n, out, finished, failure, done);
    }
    return done.future();
  }

  private void worker(AtomicInteger next, int n, Token[] out, AtomicInteger finished, AtomicReference<Throwable> failure,
                      Promise<List<Token>> done) {
    int i = next.getAndIncrement();
    if (i >= n || failure.get() != null) return;
    one(ATTEMPTS).onComplete(ar -> {
      if (ar.failed()) {
        if (failure.compareAndSet(null, ar.cause())) done.tryFail(ar.cause());
        return;
      }
      out[i] = ar.result();
      if (finished.incrementAndGet() == n) {
        done.tryComplete(new ArrayList<>(Arrays.asList(out)));
      } else {
        worker(next, n, out, finished, failure, done);
      }
    });
  }

  /** One token (with retries). */
  public Future<Token> one(int attemptsLeft) {
    int id = seq.incrementAndGet();
    String body = new JsonObject().put("deviceId", prefix + "-" + id).put("name", "b" + id).put("age", 30).encode();
    return http.request(HttpMethod.POST, "/auth/token")
        .compose(req -> req.putHeader("Content-Type", "application/json").send(body))
        .compose(resp -> resp.body().map(buf -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"), buf)))
        .transform(ar -> {
          if (ar.succeeded() && ar.result().status() == 200) {
            String access = new JsonObject(ar.result().body()).getString("accessToken");
            return Future.succeededFuture(new Token(access, subject(access)));
          }
          String why = ar.succeeded() ? "HTTP " + ar.result().status() + " " + ar.result().body().toString() : ar.cause().toString();
          if (attemptsLeft <= 1) return Future.failedFuture(new IllegalStateException("token request failed on port " + port + ": " + why));
          retries.incrementAndGet();
          long delay = 100;
          if (ar.succeeded() && ar.result().retryAfter() != null) {
            try {
              delay = Math.max(100, Long.parseLong(ar.result().retryAfter().trim()) * 1000);
            } catch (NumberFormatException ignored) {
              // keep the default
            }
          }
          Promise<Token> p = Promise.promise();
          vertx.setTimer(delay, t -> one(attemptsLeft - 1).onComplete(p));
          return p.future();
        });
  }

  private record Answer(int status, String retryAfter, Buffer body) {}

  /** The {@code sub} claim of a JWT (no verification: the bench only needs to know its own id). */
  public static String subject(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) throw new IllegalArgumentException("not a JWT");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    return claims.getString("sub");
  }

  @Override
  public void close() {
    http.close();
  }
}
