package io.tandem.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tandem.common.ErrorCode;
import io.tandem.common.RedisKeys;
import io.tandem.common.TandemException;
import io.tandem.common.TestRedis;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every edge case of {@link CallStore}'s contract, against a real redis-server, with the Redis state left behind. */
class CallStoreIT {
  static final String NODE = "gw_a";
  static final MatchRules RULES = new MatchRules("test", 64, 5000, 5000, 30_000);
  static TestRedis server;
  static Vertx vertx;
  static Redis redis;
  static CallStore store;
  static final AtomicInteger SEQ = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    server = TestRedis.start();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, server.url());
    store = new RedisCallStore(redis);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await();
    if (server != null) server.close();
  }

  @BeforeEach
  void clean() {
    cmd(Command.FLUSHALL);
    store.heartbeat(NODE, true).await();
  }

  static Response cmd(Command c, Object... args) {
    Request r = Request.cmd(c);
    for (Object a : args) r.arg(String.valueOf(a));
    return redis.send(r).await();
  }

  static UserRef user(String name) {
    UserRef u = new UserRef("u_" + name + SEQ.incrementAndGet(), "c_" + SEQ.incrementAndGet(), NODE);
    store.connect(u, name, "dev_" + u.userId()).await();
    return u;
  }

  static <T> TandemException failure(Future<T> f) {
    try {
      f.await();
    } catch (TandemException e) {
      return e;
    } catch (Throwable t) {
      if (t.getCause() instanceof TandemException te) return te;
      fail("unexpected failure " + t);
    }
    fail("expected a failure");
    return null;
  }

  static boolean queued(UserRef u) {
    return cmd(Command.ZSCORE, RedisKeys.QUEUE, u.userId()) != null;
  }

  static String session(UserRef u) {
    Response r = cmd(Command.HGET, RedisKeys.user(u.userId()), "session");
    return r == null ? null : r.toString();
  }

  static boolean pending(String sid) {
    return cmd(Command.ZSCORE, RedisKeys.PENDING, sid) != null;
  }

  /** Two users in a pending session; a is the caller. */
  static Pairing pair(UserRef a, UserRef b) {
    assertNull(store.join(a, List.of(), RULES).await());
    Pairing p = store.join(b, List.of(), RULES).await();
    assertNotNull(p);
    return p;
  }

  @Test
  void joinQueuesThenPairsOldestAsCallerPending() {
    UserRef a = user("a");
    UserRef b = user("b");
    assertNull(store.join(a, List.of(), RULES).await(), "alone: queued");
    long seq = cmd(Command.ZSCORE, RedisKeys.QUEUE, a.userId()).toLong();
    assertNull(store.join(a, List.of(), RULES).await(), "a repeated join is harmless");
    assertEquals(seq, cmd(Command.ZSCORE, RedisKeys.QUEUE, a.userId()).toLong(), "and keeps the place");
    Pairing p = store.join(b, List.of(), RULES).await();
    assertEquals(a, p.caller());
    assertEquals(b, p.callee());
    assertEquals("a", p.callerName());
    assertFalse(queued(a) || queued(b), "both left the queue");
    assertEquals(p.sessionId(), session(a));
    assertEquals(p.sessionId(), session(b));
    assertTrue(pending(p.sessionId()), "a new match is pending");
    assertTrue(cmd(Command.TTL, RedisKeys.session(p.sessionId())).toLong() > 3000, "sessions expire after an hour");
    store.confirm(p.sessionId()).await();
    assertFalse(pending(p.sessionId()));
    store.confirm(p.sessionId()).await(); // succeeds again
    assertEquals(ErrorCode.IN_SESSION, failure(store.join(a, List.of(), RULES)).code(), "in a call: refused");
  }

  @Test
  void joinOfAStaleSocketFailsGone() {
    UserRef a = user("a");
    assertEquals(ErrorCode.GONE, failure(store.join(new UserRef(a.userId(), "c_old", NODE), List.of(), RULES)).code());
    assertEquals(ErrorCode.GONE, failure(store.join(new UserRef("u_nobody", "c_x", NODE), List.of(), RULES)).code());
  }

  @Test
  void interestsPairFirstAndRelaxLater() {
    UserRef chess = user("chess");
    UserRef golf = user("golf");
    UserRef chess2 = user("chess2");
    assertNull(store.join(chess, List.of("chess"), RULES).await());
    assertNull(store.join(golf, List.of("golf"), RULES).await(), "no shared interest, nobody relaxed yet");
    Pairing p = store.join(chess2, List.of("chess", "music"), RULES).await();
    assertEquals(chess, p.caller());
    assertEquals(List.of("chess"), p.commonInterests());
    assertFalse(p.relaxed());
    UserRef other = user("other");
    assertNull(store.join(other, List.of("art"), RULES).await());
    Sweep s = store.sweepPairs(new MatchRules("test", 64, 5000, 0, 30_000), List.of("s_sweep1", "s_sweep2")).await();
    assertEquals(1, s.pairs().size(), "with relax 0 the sweep pairs anyone");
    assertTrue(s.pairs().get(0).relaxed());
    assertEquals(0, s.queueLength());
  }

  @Test
  void leaveSucceedsWhetherOrNotWaiting() {
    UserRef a = user("a");
    store.leave(a).await();
    assertNull(store.join(a, List.of("x"), RULES).await());
    store.leave(a).await();
    assertFalse(queued(a));
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.interestQueue("x")).toInteger(), "interest index cleaned");
  }

  @Test
  void endCallEndsOnceAndRemembersThePair() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    assertEquals(EndResult.Status.GONE, store.endCall(new UserRef(a.userId(), "c_other", NODE), p.sessionId()).await().status());
    EndResult r = store.endCall(a, p.sessionId()).await();
    assertEquals(EndResult.Status.ENDED, r.status());
    assertEquals(b, r.ended().peer());
    assertFalse(pending(p.sessionId()), "an ended session is not pending");
    assertEquals(EndResult.Status.NOT_IN_SESSION, store.endCall(a, p.sessionId()).await().status(), "only once");
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.session(p.sessionId())).toInteger());
    assertNull(store.join(a, List.of(), RULES).await());
    assertNull(store.join(b, List.of(), RULES).await(), "no instant rematch of a pair that just talked");
  }

  @Test
  void abandonUndoesAGhostSessionWithoutCooldown() {
    UserRef a = user("a");
    UserRef b = user("b");
    assertNull(store.abandon(a).await(), "nothing to undo");
    assertNull(store.join(a, List.of(), RULES).await());
    assertNull(store.abandon(a).await());
    assertFalse(queued(a), "abandon leaves the queue");
    Pairing p = pair(a, b);
    EndedCall undone = store.abandon(b).await();
    assertEquals(p.sessionId(), undone.sessionId());
    assertEquals(a, undone.peer());
    assertNull(session(a));
    assertNull(session(b));
    assertFalse(pending(p.sessionId()));
    assertNull(store.join(a, List.of(), RULES).await());
    assertNotNull(store.join(b, List.of(), RULES).await(), "an undone match leaves no cooldown: they pair again");
    assertNull(store.abandon(new UserRef(a.userId(), "c_other", NODE)).await(), "another socket's abandon does nothing");
  }

  @Test
  void abortAndExpireUndoMatchesAndTellBoth() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    Undone u = store.abort(p.sessionId()).await();
    assertEquals(List.of(a, b), u.users());
    assertTrue(store.abort(p.sessionId()).await().users().isEmpty(), "already gone: nobody to tell");
    Pairing q = pair(a, b);
    UserRef c = user("c");
    UserRef d = user("d");
    Pairing confirmed = pair(c, d);
    store.confirm(confirmed.sessionId()).await();
    List<Undone> expired = store.expirePending(0, 100).await();
    assertEquals(1, expired.size(), "only the unconfirmed match is undone");
    assertEquals(q.sessionId(), expired.get(0).sessionId());
    assertEquals(2, expired.get(0).users().size());
    assertEquals(confirmed.sessionId(), session(c), "a confirmed call stays");
    assertTrue(store.expirePending(60_000, 100).await().isEmpty());
  }

  @Test
  void disconnectAndReplaceEndCalls() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    UserRef a2 = new UserRef(a.userId(), "c_new", "gw_b");
    Connected c = store.connect(a2, "a", "dev").await();
    assertEquals(a, c.replaced());
    assertEquals(p.sessionId(), c.ended().sessionId());
    assertEquals(b, c.ended().peer());
    assertNull(store.disconnect(a).await(), "the replaced socket's close does nothing");
    assertEquals(a2.node(), cmd(Command.HGET, RedisKeys.user(a.userId()), "node").toString());
    assertNull(store.disconnect(a2).await(), "no call: nothing ended");
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.user(a.userId())).toInteger());
  }

  @Test
  void deadNodesAreReapedButAStalledStoreReapsNobody() throws Exception {
    UserRef a = user("a");
    UserRef b = new UserRef("u_b_dead", "c_b", "gw_dead");
    store.connect(b, "b", "dev").await();
    store.heartbeat("gw_dead", true).await();
    Pairing p = pair(a, b);
    long now = cmd(Command.TIME).get(0).toLong() * 1000;
    cmd(Command.ZADD, RedisKeys.NODES, now - 60_000, "gw_dead");
    cmd(Command.SET, RedisKeys.STORE_CLOCK, now - 60_000);
    assertNull(store.reapDeadNode(5000, 100).await(), "after a long gap the store stalled: nobody reaped");
    assertNull(store.reapDeadNode(5000, 100).await(), "and nobody for a ttl after it");
    cmd(Command.DEL, RedisKeys.STORE_STALL);
    Reaped r = store.reapDeadNode(5000, 100).await();
    assertEquals("gw_dead", r.node());
    assertEquals(1, r.removedUsers());
    assertEquals(p.sessionId(), r.endedCalls().get(0).sessionId());
    assertEquals(a, r.endedCalls().get(0).peer(), "the survivor is told");
    assertFalse(store.heartbeat("gw_dead", false).await(), "a reaped node learns it at its next beat");
    assertTrue(store.heartbeat(NODE, false).await());
    assertNull(store.reapDeadNode(5000, 100).await());
  }

  @Test
  void statsCountOnlineAndWaiting() {
    UserRef a = user("a");
    user("b");
    store.join(a, List.of(), RULES).await();
    Stats s = store.stats().await();
    assertEquals(2, s.online());
    assertEquals(1, s.waiting());
  }

  /** Every key the steps write is declared in RedisKeys; once everyone leaves, only counters and timed keys remain. */
  @Test
  void everyKeyIsDeclaredAndNothingIsLeftBehind() {
    List<UserRef> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) users.add(user("k" + i));
    store.join(users.get(0), List.of("chess"), RULES).await();
    Pairing p1 = store.join(users.get(1), List.of("chess"), RULES).await();
    store.confirm(p1.sessionId()).await();
    pair(users.get(2), users.get(3));
    store.join(users.get(4), List.of("golf", "art"), RULES).await();
    store.endCall(users.get(0), p1.sessionId()).await();
    store.reapDeadNode(5000, 100).await();
    store.stats().await();
    List<String> declared = List.of(RedisKeys.QUEUE, RedisKeys.QUEUE_SEQ, RedisKeys.QUEUE_PLAIN, RedisKeys.ONLINE, RedisKeys.NODES,
        RedisKeys.PENDING, RedisKeys.STORE_CLOCK, RedisKeys.STORE_STALL);
    List<String> prefixes = List.of(RedisKeys.USER_PREFIX, RedisKeys.SESSION_PREFIX, RedisKeys.NODE_USERS_PREFIX,
        RedisKeys.INTEREST_QUEUE_PREFIX, RedisKeys.PAIR_ENDED_PREFIX);
    for (Response k : cmd(Command.KEYS, "*")) {
      String key = k.toString();
      assertTrue(declared.contains(key) || prefixes.stream().anyMatch(key::startsWith), "undeclared key " + key);
    }
    users.forEach(u -> store.disconnect(u).await());
    store.removeNode(NODE).await();
    for (Response k : cmd(Command.KEYS, "*")) {
      String key = k.toString();
      boolean timed = cmd(Command.PTTL, key).toLong() > 0;
      assertTrue(key.equals(RedisKeys.QUEUE_SEQ) || key.equals(RedisKeys.STORE_CLOCK) || timed,
          "left behind once everyone left: " + key);
    }
  }
}
