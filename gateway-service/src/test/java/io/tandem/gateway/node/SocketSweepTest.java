package io.tandem.gateway.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SocketSweepTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void sliceSizeFitsTheSpreadWithinBounds() {
    assertEquals(1, SocketSweep.perTick(0, 10_000));
    assertEquals(1, SocketSweep.perTick(5, 10_000));
    assertEquals(95, SocketSweep.perTick(19_000, 10_000)); // 200 ticks of 50 ms
    assertEquals(SocketSweep.MAX_PER_TICK, SocketSweep.perTick(1_000_000, 10_000));
    assertEquals(SocketSweep.MAX_PER_TICK, SocketSweep.perTick(19_000, 1)); // a tiny spread cannot exceed the cap
  }

  @Test
  void aRoundVisitsEverySocketOnceInBoundedSlicesOverSeveralTicks() throws Exception {
    Map<Integer, Integer> sockets = new ConcurrentHashMap<>();
    for (int i = 0; i < 1_000; i++) sockets.put(i, i);
    Map<Integer, Integer> visits = new ConcurrentHashMap<>();
    List<Long> visitTimes = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<SocketSweep<Integer>> sweep = new AtomicReference<>();
    vertx.runOnContext(v -> {
      // 1,000 sockets over 200 ms = 4 ticks: 250 per slice
      SocketSweep<Integer> s = new SocketSweep<>(vertx, () -> sockets.values().iterator(), sockets::size, 200);
      sweep.set(s);
      assertTrue(s.start(i -> {
        visits.merge(i, 1, Integer::sum);
        visitTimes.add(System.nanoTime());
      }));
      assertFalse(s.start(i -> { }), "a second round must not start while one runs");
      vertx.setPeriodic(10, t -> {
        if (!s.running()) {
          vertx.cancelTimer(t);
          done.countDown();
        }
      });
    });
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertEquals(1_000, visits.size());
    assertTrue(visits.values().stream().allMatch(n -> n == 1), "each socket once");
    // slices: visits grouped by gaps of at least half a tick; none larger than the slice size
    List<Integer> slices = new ArrayList<>();
    long last = visitTimes.get(0);
    int current = 0;
    for (long t : visitTimes) {
      if (t - last > TimeUnit.MILLISECONDS.toNanos(SocketSweep.TICK_MS / 2)) {
        slices.add(current);
        current = 0;
      }
      current++;
      last = t;
    }
    slices.add(current);
    assertEquals(4, slices.size(), "slices " + slices);
    assertTrue(slices.stream().allMatch(n -> n <= 250), "slices " + slices);
  }

  @Test
  void aRoundKeepsToItsSpreadWhenSocketsPourInDuringIt() throws Exception {
    Map<Integer, Integer> sockets = new ConcurrentHashMap<>();
    for (int i = 0; i < 100; i++) sockets.put(i, i);
    Map<Integer, Integer> visits = new ConcurrentHashMap<>();
    AtomicReference<Integer> slices = new AtomicReference<>(0);
    CountDownLatch done = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      // 100 sockets over 200 ms = 4 ticks of 25; then 1,900 more arrive during the first slice
      SocketSweep<Integer> s = new SocketSweep<>(vertx, () -> sockets.values().iterator(), sockets::size, 200);
      s.startSlices(slice -> {
        if (slices.getAndUpdate(n -> n + 1) == 0) for (int i = 100; i < 2_000; i++) sockets.put(i, i);
        slice.forEach(i -> visits.merge(i, 1, Integer::sum));
      });
      vertx.setPeriodic(10, t -> {
        if (!s.running()) {
          vertx.cancelTimer(t);
          done.countDown();
        }
      });
    });
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertTrue(visits.values().stream().allMatch(n -> n == 1), "each socket at most once");
    assertTrue(slices.get() <= 6, "the round stays near its 4 ticks (sized at its start it would take ~80): " + slices.get());
  }

  @Test
  void stopEndsTheRound() throws Exception {
    Map<Integer, Integer> sockets = new ConcurrentHashMap<>();
    for (int i = 0; i < 100; i++) sockets.put(i, i);
    Map<Integer, Integer> visits = new ConcurrentHashMap<>();
    CountDownLatch stopped = new CountDownLatch(1);
    vertx.runOnContext(v -> {
      SocketSweep<Integer> s = new SocketSweep<>(vertx, () -> sockets.values().iterator(), sockets::size, 1_000); // 20 ticks of 5
      s.start(i -> visits.put(i, 1));
      s.stop();
      assertFalse(s.running());
      stopped.countDown();
    });
    assertTrue(stopped.await(10, TimeUnit.SECONDS));
    Thread.sleep(3 * SocketSweep.TICK_MS);
    assertEquals(5, visits.size(), "only the first slice ran");
  }
}
