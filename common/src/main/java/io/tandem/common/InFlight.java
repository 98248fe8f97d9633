package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Counts requests a verticle is still working on, so a stop can first stop taking new ones
 * (unregister) and then let the ones in flight finish, bounded by {@link #DRAIN_TIMEOUT_MS}.
 */
public final class InFlight {
  /** Longest a stop waits for requests in flight, ms. */
  public static final long DRAIN_TIMEOUT_MS = 5000;
  private static final long POLL_MS = 20;

  private int count;

  /** Wraps a request's work: counted until its future completes. */
  public <T> Future<T> track(Future<T> work) {
    count++;
    return work.andThen(ar -> count--);
  }

  public int count() {
    return count;
  }

  /** Completes when nothing is in flight, or after the drain timeout. */
  public Future<Void> drained(Vertx vertx) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + DRAIN_TIMEOUT_MS;
    poll(vertx, done, deadline);
    return done.future();
  }

  private void poll(Vertx vertx, Promise<Void> done, long deadline) {
    if (count == 0 || System.currentTimeMillis() >= deadline) {
      done.complete();
    } else {
      vertx.setTimer(POLL_MS, t -> poll(vertx, done, deadline));
    }
  }
}
