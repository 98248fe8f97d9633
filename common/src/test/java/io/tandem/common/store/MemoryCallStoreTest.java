package io.tandem.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ErrorCode;
import io.tandem.common.Limits;
import io.tandem.common.msg.UserRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link CallStoreContract} against the memory store, plus what only a settable clock can show. */
class MemoryCallStoreTest extends CallStoreContract {
  @Override
  StoreProbe open() {
    return new MemoryProbe(new MemoryCallStore());
  }

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final UserRef a = new UserRef("u_a", "c_a", NODE);
  private final UserRef b = new UserRef("u_b", "c_b", NODE);

  /** A store on {@link #clock} with users a and b connected. */
  private MemoryCallStore onClock() {
    MemoryCallStore store = new MemoryCallStore(clock::get);
    store.heartbeat(NODE, true).await();
    store.connect(a, "a", "dev_a", GRACE).await();
    store.connect(b, "b", "dev_b", GRACE).await();
    return store;
  }

  @Test
  void aSessionExpiresAfterItsTtlAsARedisKeyDoes() {
    MemoryCallStore store = onClock();
    store.join(a, List.of(), RULES).await();
    store.join(b, List.of(), RULES).await();
    assertEquals(ErrorCode.IN_SESSION, failure(store.join(a, List.of(), RULES)).code());
    clock.addAndGet(Limits.SESSION_TTL_SECONDS * 1000L);
    store.heartbeat(NODE, false).await();
    assertEquals(JoinOutcome.QUEUED, store.join(a, List.of(), RULES).await(), "the expired session no longer holds the user");
    assertEquals(EndResult.Status.NOT_IN_SESSION, store.endCall(b, "s_none").await().status());
  }

  @Test
  void theRematchCooldownIsForgottenAfterThePairMemory() {
    MemoryCallStore store = onClock();
    MatchRules forever = new MatchRules("test", 64, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
    store.join(a, List.of(), forever).await();
    Pairing p = store.join(b, List.of(), forever).await().paired().orElseThrow();
    store.endCall(a, p.sessionId()).await();
    store.join(a, List.of(), forever).await();
    assertEquals(JoinOutcome.QUEUED, store.join(b, List.of(), forever).await(), "a cooldown longer than the memory");
    clock.addAndGet(Limits.PAIR_MEMORY_MS);
    assertTrue(store.join(b, List.of(), forever).await().paired().isPresent(), "the pair is forgotten, as its Redis key expires");
  }

  /** As the Redis store's keys: once everyone left, nothing but counters and the timed pair memory remains. */
  @Test
  void nothingIsLeftBehindOnceEveryoneLeft() throws Exception {
    List<UserRef> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) users.add(user("k" + i));
    store.join(users.get(0), List.of("chess"), RULES).await();
    Pairing p1 = paired(users.get(1), List.of("chess"));
    pair(users.get(2), users.get(3));
    store.join(users.get(4), List.of("golf", "art"), RULES).await();
    store.endCall(users.get(0), p1.sessionId()).await();
    store.join(users.get(5), List.of(), RULES).await();
    store.suspend(users.get(2), 1).await();
    Thread.sleep(5);
    store.expireGrace(5000, 100).await();
    users.forEach(u -> store.disconnect(u).await());
    store.removeNode(NODE).await();
    MemoryCallStore memory = (MemoryCallStore) store;
    boolean empty = memory.inspect(s -> s.users.isEmpty() && s.sessions.isEmpty() && s.queue.size() == 0 && s.plain.size() == 0
        && s.interestIndexes.isEmpty() && s.nodes.size() == 0 && s.pending.size() == 0 && s.grace.size() == 0
        && s.online.isEmpty() && s.nodeUsers.isEmpty());
    assertTrue(empty, "left behind once everyone left");
  }

  /** One lock per step: joins from many threads at once make no double match and lose nobody. */
  @Test
  void concurrentJoinsNeverDoubleMatch() throws Exception {
    int threads = 8;
    int perThread = 200;
    List<Pairing> made = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            UserRef u = new UserRef("u_" + thread + "_" + i, "c_" + thread + "_" + i, NODE);
            store.connect(u, "n", "dev", GRACE).await();
            store.join(u, List.of(), RULES).await().paired().ifPresent(made::add);
          }
        }));
      }
      for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    Set<String> matched = new HashSet<>();
    for (Pairing p : made) {
      assertTrue(matched.add(p.caller().userId()) && matched.add(p.callee().userId()), "matched twice: " + p);
    }
    Stats stats = store.stats().await();
    assertEquals(threads * perThread, stats.online());
    assertEquals(threads * perThread, matched.size() + stats.waiting(), "everyone is paired or waiting");
    assertTrue(stats.waiting() <= 1, "joins without interests leave at most one waiting, " + stats.waiting());
  }
}
