package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;

/**
 * A Redis client whose every command fails with {@link ErrorCode#UNAVAILABLE} when the server has
 * not answered within {@code timeoutMs} (a frozen or unreachable Redis): callers hear a clear error
 * in bounded time instead of waiting until the server wakes. A command that times out may still run
 * on the server later; every Tandem step is written so that running it late is harmless.
 */
public final class TimedRedis implements Redis {
  private final Vertx vertx;
  private final Redis delegate;
  private final long timeoutMs;

  public TimedRedis(Vertx vertx, Redis delegate, long timeoutMs) {
    this.vertx = vertx;
    this.delegate = delegate;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<RedisConnection> connect() {
    return bounded(delegate.connect());
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  @Override
  public Future<Response> send(Request command) {
    return bounded(delegate.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return bounded(delegate.batch(commands));
  }

  private <T> Future<T> bounded(Future<T> f) {
    if (f.isComplete()) return f;
    Promise<T> p = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> p.tryFail(new TandemException(ErrorCode.UNAVAILABLE,
        "The data store did not answer within " + timeoutMs + " ms, try again")));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) p.tryComplete(ar.result());
      else p.tryFail(ar.cause());
    });
    return p.future();
  }
}
