package io.tandem.bench.load;

import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Parallel;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Ws;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client process of the capacity scenario: holds up to ~19k idle authenticated sockets from its
 * own loopback source address (127.0.0.x). Talks to the parent bench over stdin/stdout lines:
 * prints {@code TOKENS n ms}, waits for {@code GO}, connects, prints
 * {@code CONNECTED ok failed ms histogram busyRetries}, then answers {@code STATUS} with {@code STATUS open closed}
 * and {@code STOP} (or end of input) by closing everything and exiting.
 */
public final class CapacityWorker {
  /**
   * A handshake answered 503 (the gateway's bound on handshakes in flight, WS_HANDSHAKES_IN_FLIGHT) is
   * tried again after a pause, as the web client does; at most this many times per socket.
   */
  static final int BUSY_RETRIES = 50;
  /**
   * Longest pause between retries (the web client's is 30 s; a smaller one keeps the ramp bounded). The
   * pause doubles with every retry of the same socket from 1 s, ±20% at random, as the web client backs off
   * a socket that did not open ({@link io.tandem.bench.run.ReconnectPolicy#backoffDelay}). A bench that
   * retried every 50–100 ms instead kept a 2-core machine busy answering its own retry storm (31,446
   * refusals in one 19,000-socket ramp).
   */
  static final long BUSY_RETRY_CAP_MS = 8_000;

  /** The pause before retry {@code n} (0-based) of one socket. */
  static long busyPause(int n, double random) {
    return io.tandem.bench.run.ReconnectPolicy.backoffDelay(n, random, BUSY_RETRY_CAP_MS);
  }

  private CapacityWorker() {}

  /** A handshake refused because the server is busy (HTTP 503): worth trying again. */
  public static boolean busy(Throwable err) {
    return err instanceof io.vertx.core.http.UpgradeRejectedException r && r.getStatus() == 503;
  }

  /** Connects, trying again after a jittered pause while the server answers 503 (counted in {@code retries}). */
  public static Future<Ws> connectRetrying(Vertx vertx, java.util.function.Supplier<Future<Ws>> attempt, int left, AtomicInteger retries) {
    return attempt.get().recover(err -> {
      if (!busy(err) || left == 0) return Future.failedFuture(err);
      retries.incrementAndGet();
      io.vertx.core.Promise<Void> pause = io.vertx.core.Promise.promise();
      vertx.setTimer(busyPause(BUSY_RETRIES - left, java.util.concurrent.ThreadLocalRandom.current().nextDouble()), t -> pause.complete());
      return pause.future().compose(v -> connectRetrying(vertx, attempt, left - 1, retries));
    });
  }

  public static void main(String[] args) throws Exception {
    Options o = new Options()
        .declare("gateway-port", "", "gateway port on 127.0.0.1")
        .declare("auth-port", "", "auth-service port on 127.0.0.1")
        .declare("count", "", "sockets to open")
        .declare("local", "127.0.0.2", "loopback source address")
        .declare("concurrency", "256", "handshakes in flight")
        .declare("token-concurrency", "16", "token requests in flight")
        .declare("bare-uri", "", "connect without tokens to this URI of a bare server (the floors scenario's relay) instead of /signaling")
        .declare("warmup", "0", "before TOKENS: open this many extra sockets (their own tokens) and close them again, so the measured ramp finds warm JITs on both sides")
        .parse(List.of(args));
    int port = o.integer("gateway-port", 1, 65535);
    int count = o.integer("count", 1, 19_500);
    String local = o.str("local");
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setBlockedThreadCheckInterval(60_000).setPreferNativeTransport(true));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    long t0 = System.nanoTime();
    String bareUri = o.str("bare-uri");
    List<Tokens.Token> tokenList = tokens(vertx, local, bareUri, o, count);
    int warmup = o.integer("warmup", 0, 20_000);
    if (warmup > 0) warmUp(vertx, port, local, bareUri, o, warmup);
    say("TOKENS " + (bareUri.isEmpty() ? tokenList.size() : count) + " " + (System.nanoTime() - t0) / 1_000_000);
    String line = in.readLine();
    if (!"GO".equals(line)) {
      vertx.close();
      return;
    }
    WebSocketClient client = client(vertx, local, count);
    Latency handshake = new Latency();
    AtomicInteger closed = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger busyRetries = new AtomicInteger();
    List<Ws> open = new ArrayList<>();
    long start = System.nanoTime();
    List<Ws> result = Parallel.map(count, o.integer("concurrency", 1, 10_000), i -> {
      long s = System.nanoTime();
      return open(vertx, client, port, bareUri, tokenList, i, "idle-", busyRetries).map(ws -> {
        handshake.recordNanos(System.nanoTime() - s);
        ws.listener(new Ws.Listener() {
          @Override
          public void onFrame(Ws w, String type, io.vertx.core.json.JsonObject data, long nanos) {}

          @Override
          public void onClose(Ws w) {
            closed.incrementAndGet();
          }
        });
        return ws;
      }).recover(err -> {
        failed.incrementAndGet();
        return Future.succeededFuture(null);
      });
    }).await(600, TimeUnit.SECONDS);
    long elapsed = (System.nanoTime() - start) / 1_000_000;
    for (Ws w : result) if (w != null) open.add(w);
    ByteBuffer buf = ByteBuffer.allocate(handshake.histogram().getNeededByteBufferCapacity());
    handshake.histogram().encodeIntoCompressedByteBuffer(buf);
    buf.flip();
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);
    say("CONNECTED " + open.size() + " " + failed.get() + " " + elapsed + " " + Base64.getEncoder().encodeToString(bytes) + " " + busyRetries.get());
    while ((line = in.readLine()) != null) {
      if (line.equals("STATUS")) {
        say("STATUS " + (open.size() - closed.get()) + " " + closed.get());
      } else if (line.equals("STOP")) {
        break;
      }
    }
    Future.join(open.stream().map(Ws::close).toList()).await(60, TimeUnit.SECONDS);
    say("STOPPED");
    vertx.close().await(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  /** Opens {@code n} sockets with tokens of their own (none for a bare server), closes them, and lets the server settle. */
  private static void warmUp(Vertx vertx, int port, String local, String bareUri, Options o, int n) throws Exception {
    List<Tokens.Token> tokens = tokens(vertx, local, bareUri, o, n);
    WebSocketClient client = client(vertx, local, n);
    AtomicInteger retries = new AtomicInteger();
    List<Ws> opened = Parallel.map(n, o.integer("concurrency", 1, 10_000),
            i -> open(vertx, client, port, bareUri, tokens, i, "warm-", retries).recover(err -> Future.succeededFuture(null)))
        .await(600, TimeUnit.SECONDS);
    Future.join(opened.stream().filter(java.util.Objects::nonNull).map(Ws::close).toList()).await(60, TimeUnit.SECONDS);
    client.close().await(10, TimeUnit.SECONDS);
    Thread.sleep(WARMUP_SETTLE_MS);
  }

  /** Tokens for {@code n} sockets, fetched from auth-service (none for a bare server). */
  private static List<Tokens.Token> tokens(Vertx vertx, String local, String bareUri, Options o, int n) throws Exception {
    if (!bareUri.isEmpty()) return List.of();
    Tokens t = new Tokens(vertx, "127.0.0.1", local, o.integer("auth-port", 1, 65535), o.integer("token-concurrency", 1, 1024));
    List<Tokens.Token> list = t.fetch(n).await(240, TimeUnit.SECONDS);
    t.close();
    return list;
  }

  /** A WebSocket client from {@code local} able to hold {@code sockets} connections. */
  private static WebSocketClient client(Vertx vertx, String local, int sockets) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(local)
        .setMaxConnections(sockets + 16).setConnectTimeout(60_000));
  }

  /** Socket {@code i}: with token {@code i}, or to the bare server as {@code label + i}; a 503 is retried. */
  private static Future<Ws> open(Vertx vertx, WebSocketClient client, int port, String bareUri, List<Tokens.Token> tokens, int i,
                                 String label, AtomicInteger retries) {
    return connectRetrying(vertx, () -> bareUri.isEmpty() ? Ws.connect(client, port, 0, tokens.get(i))
        : Ws.connectBare(client, port, bareUri, label + i), BUSY_RETRIES, retries);
  }

  /** Pause after the warm-up sockets closed: the server's disconnect clean-ups finish before the measured ramp. */
  static final long WARMUP_SETTLE_MS = 2_000;

  private static void say(String s) {
    System.out.println(s);
    System.out.flush();
  }
}
