package io.tandem.bench.run;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Runs {@code n} asynchronous steps with at most {@code concurrency} in flight. */
public final class Parallel {
  private Parallel() {}

  /** Results in index order; the first failure fails the whole (steps already started finish on their own). */
  public static <T> Future<List<T>> map(int n, int concurrency, IntFunction<Future<T>> step) {
    if (n == 0) return Future.succeededFuture(List.of());
    Object[] out = new Object[n];
    Promise<List<T>> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    for (int w = 0; w < Math.min(concurrency, n); w++) run(n, step, out, next, finished, done);
    return done.future();
  }

  @SuppressWarnings("unchecked")
  private static <T> void run(int n, IntFunction<Future<T>> step, Object[] out, AtomicInteger next, AtomicInteger finished,
                              Promise<List<T>> done) {
    int i = next.getAndIncrement();
    if (i >= n || done.future().isComplete()) return;
    Future<T> f;
    try {
      f = step.apply(i);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed()) {
        done.tryFail(ar.cause());
        return;
      }
      out[i] = ar.result();
      if (finished.incrementAndGet() == n) done.tryComplete((List<T>) new ArrayList<>(Arrays.asList(out)));
      else run(n, step, out, next, finished, done);
    });
  }
}
