package io.tandem.matchmaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.UserRef;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.MatchRules;
import io.tandem.common.store.MemoryCallStore;
import io.tandem.common.store.Pairing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Delivered matches are confirmed in batches: one store call per {@link Confirmations#FLUSH_MS} window. */
class ConfirmationsTest {
  private final Vertx vertx = Vertx.vertx();
  /** Every confirmAll call the batcher made, in order. */
  private final List<List<String>> calls = new CopyOnWriteArrayList<>();
  /** How many of the next confirmAll calls fail (a stalled store). */
  private final java.util.concurrent.atomic.AtomicInteger failNext = new java.util.concurrent.atomic.AtomicInteger();
  private final CountingStore store = new CountingStore();

  /** A real memory store that records every confirmAll call and fails the next {@link #failNext} of them. */
  private final class CountingStore extends MemoryCallStore {
    @Override
    public Future<Void> confirmAll(List<String> sessionIds) {
      calls.add(List.copyOf(sessionIds));
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return Future.failedFuture(new TandemException(ErrorCode.UNAVAILABLE));
      return super.confirmAll(sessionIds);
    }
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Runs {@code body} on one context (as a verticle would) and waits for it. */
  private void onContext(Runnable body) throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      body.run();
      done.complete(null);
    });
    done.get(5, TimeUnit.SECONDS);
  }

  @Test
  void matchesDeliveredTogetherShareOneRoundTrip() throws Exception {
    Confirmations c = new Confirmations(vertx, store);
    onContext(() -> {
      c.add("s_1");
      c.add("s_2");
      c.add("s_3");
    });
    assertEquals(List.of(), calls, "nothing is sent at once");
    long deadline = System.currentTimeMillis() + 2_000;
    while (calls.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(5);
    Thread.sleep(3 * Confirmations.FLUSH_MS);
    assertEquals(List.of(List.of("s_1", "s_2", "s_3")), calls, "one call for the three");
  }

  @Test
  void aFullBatchGoesAtOnceAndStopFlushesTheRest() throws Exception {
    Confirmations c = new Confirmations(vertx, store);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CallStore.CONFIRM_BATCH_MAX + 2; i++) ids.add("s_" + i);
    onContext(() -> ids.forEach(c::add));
    assertEquals(1, calls.size(), "the full batch went at once");
    assertEquals(CallStore.CONFIRM_BATCH_MAX, calls.get(0).size());
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> c.flush().onComplete(ar -> flushed.complete(null)));
    flushed.get(5, TimeUnit.SECONDS);
    assertEquals(List.of(ids.get(ids.size() - 2), ids.get(ids.size() - 1)), calls.get(1), "flush sends the rest");
    Thread.sleep(3 * Confirmations.FLUSH_MS);
    assertEquals(2, calls.size(), "the cancelled timer sends nothing more");
    assertTrue(calls.stream().allMatch(l -> l.size() <= CallStore.CONFIRM_BATCH_MAX));
  }

  @Test
  void aBatchTheStoreDidNotTakeIsSentAgain() throws Exception {
    Confirmations c = new Confirmations(vertx, store);
    failNext.set(2);
    onContext(() -> c.add("s_stalled"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (calls.size() < 3 && System.currentTimeMillis() < deadline) Thread.sleep(10);
    Thread.sleep(2 * Confirmations.RETRY_MS);
    assertEquals(List.of(List.of("s_stalled"), List.of("s_stalled"), List.of("s_stalled")), calls,
        "two failed attempts, then the third is taken, and nothing more is sent");
  }

  @Test
  void aConfirmedMatchIsNoLongerUndoneAsUnconfirmed() throws Exception {
    String node = "gw_1";
    store.heartbeat(node, true).await();
    UserRef a = new UserRef("u_a", "c_a", node);
    UserRef b = new UserRef("u_b", "c_b", node);
    store.connect(a, "a", "dev_a", 10_000).await();
    store.connect(b, "b", "dev_b", 10_000).await();
    MatchRules rules = new MatchRules("test", 64, 5_000, 5_000, 30_000);
    store.join(a, List.of(), rules).await();
    Pairing p = store.join(b, List.of(), rules).await().paired().orElseThrow();
    Confirmations c = new Confirmations(vertx, store);
    CompletableFuture<Void> flushed = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> {
      c.add(p.sessionId());
      c.flush().onComplete(ar -> flushed.complete(null));
    });
    flushed.get(5, TimeUnit.SECONDS);
    assertEquals(List.of(List.of(p.sessionId())), calls);
    assertTrue(store.expirePending(0, 10).await().isEmpty(), "the store no longer holds it as pending");
  }
}
