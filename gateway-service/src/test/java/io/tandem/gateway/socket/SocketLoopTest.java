package io.tandem.gateway.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Work for a socket runs on the socket's own loop: inline when already there, one queued task per loop otherwise. */
public class SocketLoopTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** The contexts of {@code n} instances of a verticle deployed like the socket verticles. */
  public static List<Context> contexts(Vertx vertx, int n, ThreadingModel model) throws Exception {
    List<Context> out = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        out.add(context);
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(n).setThreadingModel(model)).await(10, TimeUnit.SECONDS);
    return out;
  }

  /** Two socket loops on two different event loops (instances take the pool's loops in turn). */
  private List<SocketLoop> twoLoops() throws Exception {
    List<Context> cs = contexts(vertx, 2, ThreadingModel.EVENT_LOOP);
    assertNotEquals(threadOf(cs.get(0)), threadOf(cs.get(1)), "the two instances are on different loops");
    return List.of(new SocketLoop(cs.get(0), 0), new SocketLoop(cs.get(1), 1));
  }

  private static Thread threadOf(Context c) throws Exception {
    CompletableFuture<Thread> t = new CompletableFuture<>();
    c.runOnContext(v -> t.complete(Thread.currentThread()));
    return t.get(5, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on context {@code c} and waits for its result (shared with the other loop tests). */
  public static <T> T on(Context c, java.util.concurrent.Callable<T> task) throws Exception {
    CompletableFuture<T> r = new CompletableFuture<>();
    c.runOnContext(v -> {
      try {
        r.complete(task.call());
      } catch (Throwable e) {
        r.completeExceptionally(e);
      }
    });
    return r.get(5, TimeUnit.SECONDS);
  }

  @Test
  void onItsOwnLoopATaskRunsAtOnceAndFromAnotherLoopItIsQueuedThere() throws Exception {
    List<SocketLoop> loops = twoLoops();
    SocketLoop a = loops.get(0);
    SocketLoop b = loops.get(1);
    Thread threadA = threadOf(a.context());
    // from A onto A: inline, before run() returns
    List<String> seen = on(a.context(), () -> {
      List<String> order = new ArrayList<>();
      a.run(() -> order.add("task"));
      order.add("after");
      return order;
    });
    assertEquals(List.of("task", "after"), seen, "no hop when already on the loop");
    // from B onto A: queued on A's thread. A is held busy meanwhile, so a task run inline on B would
    // show up at once, and a queued one only once A is free again.
    java.util.concurrent.CountDownLatch holdA = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<Void> aBusy = new CompletableFuture<>();
    a.context().runOnContext(v -> {
      aBusy.complete(null);
      try {
        holdA.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    aBusy.get(5, TimeUnit.SECONDS);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    List<String> order = new CopyOnWriteArrayList<>();
    on(b.context(), () -> {
      assertFalse(a.here());
      assertTrue(b.here());
      a.run(() -> {
        order.add("task");
        ranOn.complete(Thread.currentThread());
      });
      order.add("after");
      return null;
    });
    assertEquals(List.of("after"), order, "queued, not run inline on the wrong loop");
    holdA.countDown();
    assertEquals(threadA, ranOn.get(5, TimeUnit.SECONDS));
    assertEquals(List.of("after", "task"), order);
  }

  @Test
  void runEachQueuesOneTaskPerLoopAndVisitsEachItemOnItsLoop() throws Exception {
    List<SocketLoop> loops = twoLoops();
    Thread threadA = threadOf(loops.get(0).context());
    Thread threadB = threadOf(loops.get(1).context());
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 10; i++) items.add(i);
    List<String> visits = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    // from a thread that is neither loop: both groups are queued
    SocketLoop.runEach(items, i -> loops.get(i % 2), i -> {
      Thread expected = i % 2 == 0 ? threadA : threadB;
      visits.add(i + (Thread.currentThread() == expected ? ":own" : ":WRONG"));
      if (visits.size() == items.size()) done.complete(null);
    });
    done.get(5, TimeUnit.SECONDS);
    assertEquals(10, visits.size());
    assertTrue(visits.stream().allMatch(v -> v.endsWith(":own")), "visits " + visits);
    // per loop, the items keep their order (one task per loop runs them in turn)
    List<Integer> evens = visits.stream().map(v -> Integer.parseInt(v.split(":")[0])).filter(i -> i % 2 == 0).toList();
    assertEquals(List.of(0, 2, 4, 6, 8), evens);
  }

  @Test
  void aSocketLoopNeedsAnEventLoopContext() throws Exception {
    Context worker = contexts(vertx, 1, ThreadingModel.WORKER).get(0);
    assertThrows(IllegalArgumentException.class, () -> new SocketLoop(worker, 0));
  }
}
