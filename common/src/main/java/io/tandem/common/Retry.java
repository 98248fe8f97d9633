package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Retries an idempotent step a bounded number of times, with a fixed pause (start-up steps on a busy store). */
public final class Retry {
  private Retry() {}

  /** Runs {@code step} until it succeeds, at most {@code attempts} times, {@code pauseMs} apart; fails with the last failure. */
  public static <T> Future<T> times(Vertx vertx, int attempts, long pauseMs, Supplier<Future<T>> step) {
    return times(vertx, attempts, pauseMs, () -> true, step);
  }

  /** The same, but no further attempt is made once {@code keepTrying} says false. */
  public static <T> Future<T> times(Vertx vertx, int attempts, long pauseMs, BooleanSupplier keepTrying, Supplier<Future<T>> step) {
    return step.get().recover(err -> {
      if (attempts <= 1 || !keepTrying.getAsBoolean()) return Future.failedFuture(err);
      Promise<T> later = Promise.promise();
      vertx.setTimer(pauseMs, t -> times(vertx, attempts - 1, pauseMs, keepTrying, step).onComplete(later));
      return later.future();
    });
  }
}
