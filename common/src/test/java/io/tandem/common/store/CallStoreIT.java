package io.tandem.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
  static final long GRACE = 10_000;

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
    store.connect(u, name, "dev_" + u.userId(), GRACE).await();
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
  void severalMatchesAreConfirmedInOneCall() {
    Pairing p1 = pair(user("c1"), user("c2"));
    Pairing p2 = pair(user("c3"), user("c4"));
    store.confirmAll(List.of(p1.sessionId(), p2.sessionId(), "s_not-a-session")).await();
    assertFalse(pending(p1.sessionId()) || pending(p2.sessionId()), "both confirmed; an unknown id is harmless");
    store.confirmAll(List.of()).await();
    List<String> tooMany = new java.util.ArrayList<>();
    for (int i = 0; i <= CallStore.CONFIRM_BATCH_MAX; i++) tooMany.add("s_" + i);
    assertThrows(IllegalArgumentException.class, () -> store.confirmAll(tooMany).await(), "a batch over the limit is refused");
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
  void disconnectEndsCallsAndAReplacedSocketsCallWaitsForResume() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    UserRef a2 = new UserRef(a.userId(), "c_new", "gw_b");
    Connected c = store.connect(a2, "a", "dev", GRACE).await();
    assertEquals(a, c.replaced());
    assertNull(c.ended(), "a live call is not ended by a new socket: the old one may just not know it is lost");
    assertEquals(p.sessionId(), c.graced().sessionId());
    assertEquals(b, c.graced().peer(), "the peer hears peer-reconnecting");
    assertEquals(p.sessionId(), c.resumable());
    assertNull(store.disconnect(a).await(), "the replaced socket's close does nothing");
    assertEquals(a2.node(), cmd(Command.HGET, RedisKeys.user(a.userId()), "node").toString());
    EndedCall ended = store.disconnect(a2).await();
    assertEquals(p.sessionId(), ended.sessionId(), "a close meant by the person ends the kept call");
    assertEquals(b, ended.peer());
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.user(a.userId())).toInteger());
    assertEquals(0, cmd(Command.ZCARD, RedisKeys.GRACE).toInteger());
    assertNull(session(b));

    UserRef q = user("q");
    store.join(q, List.of(), RULES).await();
    Connected cq = store.connect(new UserRef(q.userId(), "c_q2", NODE), "q", "dev", GRACE).await();
    assertNull(cq.graced(), "a waiting user has no call to keep");
    assertNull(cq.resumable());
    assertFalse(queued(q), "the replaced socket's queue entry is gone");
  }

  @Test
  void aLostSocketsCallWaitsAndResumeTakesItBack() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    store.confirm(p.sessionId()).await();
    Lost lost = store.suspend(a, GRACE).await();
    assertNull(lost.ended());
    assertEquals(p.sessionId(), lost.graced().sessionId());
    assertEquals(b, lost.graced().peer());
    assertTrue(lost.graced().graceMs() > GRACE - 1000 && lost.graced().graceMs() <= GRACE);
    assertEquals(p.sessionId(), session(a), "the call is kept");
    assertNull(cmd(Command.HGET, RedisKeys.user(a.userId()), "conn"), "the socket is forgotten");
    assertEquals(0, cmd(Command.SISMEMBER, RedisKeys.nodeUsers(NODE), a.userId()).toInteger(), "and not reaped with its node");
    assertNotNull(cmd(Command.ZSCORE, RedisKeys.GRACE, a.userId()));

    // nobody is matched with a user in grace, nor with its peer
    UserRef c = user("c");
    assertNull(store.join(c, List.of(), RULES).await());
    assertEquals(ErrorCode.IN_SESSION, failure(store.join(b, List.of(), RULES)).code());
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(c, p.sessionId())).code(), "someone else's call");

    // a suspend of a socket that is no longer registered does nothing
    assertNull(store.suspend(a, GRACE).await().graced());

    UserRef a2 = new UserRef(a.userId(), "c_back", "gw_b");
    Connected back = store.connect(a2, "a", "dev", GRACE).await();
    assertNull(back.replaced());
    assertEquals(p.sessionId(), back.resumable());
    Resumed r = store.resume(a2, p.sessionId()).await();
    assertEquals("caller", r.role());
    assertEquals(b, r.peer());
    assertEquals("b", r.peerName());
    assertFalse(r.peerReconnecting());
    assertTrue(r.epoch() > lost.graced().epoch(), "resume notices are newer than the grace notice");
    assertNull(cmd(Command.ZSCORE, RedisKeys.GRACE, a.userId()));
    assertNull(cmd(Command.HGET, RedisKeys.user(a.userId()), "graceUntil"));
    assertTrue(store.expireGrace(5000, 100).await().isEmpty());
    assertEquals(EndResult.Status.ENDED, store.endCall(a2, p.sessionId()).await().status(), "the call goes on from the new socket");
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(a2, p.sessionId())).code(), "an ended call");
    assertEquals(ErrorCode.GONE, failure(store.resume(a, p.sessionId())).code(), "an unregistered socket");
  }

  @Test
  void aFlappingLinkKeepsItsFirstDeadlineAndBothSidesMayBeAway() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    store.suspend(a, GRACE).await();
    UserRef a2 = new UserRef(a.userId(), "c_a2", NODE);
    store.connect(a2, "a", "dev", GRACE).await();
    Lost again = store.suspend(a2, 60_000).await();
    assertTrue(again.graced().graceMs() <= GRACE, "the deadline is not extended");
    store.suspend(b, GRACE).await();
    UserRef b2 = new UserRef(b.userId(), "c_b2", NODE);
    store.connect(b2, "b", "dev", GRACE).await();
    Resumed rb = store.resume(b2, p.sessionId()).await();
    assertTrue(rb.peerReconnecting(), "the peer has no socket yet");
    UserRef a3 = new UserRef(a.userId(), "c_a3", NODE);
    store.connect(a3, "a", "dev", GRACE).await();
    Resumed ra = store.resume(a3, p.sessionId()).await();
    assertEquals(b2, ra.peer(), "the peer's new socket");
  }

  @Test
  void graceWithoutResumeEndsTheCallWithTimeout() throws Exception {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    store.suspend(a, 1).await();
    Thread.sleep(20);
    List<EndedCall> expired = store.expireGrace(5000, 100).await();
    assertEquals(1, expired.size());
    assertEquals(p.sessionId(), expired.get(0).sessionId());
    assertEquals(b, expired.get(0).peer());
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.user(a.userId())).toInteger(), "the socketless user is gone");
    assertNull(session(b));

    // a new socket that connected but never resumed keeps its socket; only the call ends
    UserRef c = user("c");
    UserRef d = user("d");
    Pairing q = pair(c, d);
    store.suspend(c, 1).await();
    UserRef c2 = new UserRef(c.userId(), "c_c2", NODE);
    store.connect(c2, "c", "dev", GRACE).await();
    Thread.sleep(20);
    assertEquals(q.sessionId(), store.expireGrace(5000, 100).await().get(0).sessionId());
    assertEquals(c2.connId(), cmd(Command.HGET, RedisKeys.user(c.userId()), "conn").toString());
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(c2, q.sessionId())).code());
    assertNull(store.join(c2, List.of(), RULES).await(), "and it can search again");
  }

  @Test
  void nothingExpiresWhileTheStoreRecoversFromAStall() throws Exception {
    UserRef a = user("a");
    UserRef b = user("b");
    pair(a, b);
    store.suspend(a, 1).await();
    Thread.sleep(20);
    long now = cmd(Command.TIME).get(0).toLong() * 1000;
    cmd(Command.SET, RedisKeys.STORE_CLOCK, now - 60_000);
    assertTrue(store.expireGrace(5000, 100).await().isEmpty(), "a frozen store is no reason to end calls");
    cmd(Command.SET, RedisKeys.STORE_CLOCK, now);
    cmd(Command.SET, RedisKeys.STORE_STALL, now);
    assertTrue(store.expireGrace(5000, 100).await().isEmpty(), "nor right after it");
    cmd(Command.DEL, RedisKeys.STORE_STALL);
    assertEquals(1, store.expireGrace(5000, 100).await().size());
  }

  @Test
  void thePeerEndingTheCallForgetsAUserInGrace() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = pair(a, b);
    store.suspend(a, GRACE).await();
    assertEquals(EndResult.Status.ENDED, store.endCall(b, p.sessionId()).await().status());
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.user(a.userId())).toInteger(), "nothing left to resume");
    assertNull(cmd(Command.ZSCORE, RedisKeys.GRACE, a.userId()));
    UserRef a2 = new UserRef(a.userId(), "c_a2", NODE);
    assertNull(store.connect(a2, "a", "dev", GRACE).await().resumable());
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(a2, p.sessionId())).code());
  }

  @Test
  void deadNodesAreReapedButAStalledStoreReapsNobody() throws Exception {
    UserRef a = user("a");
    UserRef b = new UserRef("u_b_dead", "c_b", "gw_dead");
    store.connect(b, "b", "dev", GRACE).await();
    store.heartbeat("gw_dead", true).await();
    Pairing p = pair(a, b);
    long now = cmd(Command.TIME).get(0).toLong() * 1000;
    cmd(Command.ZADD, RedisKeys.NODES, now - 60_000, "gw_dead");
    cmd(Command.SET, RedisKeys.STORE_CLOCK, now - 60_000);
    UserRef w = new UserRef("u_w_dead", "c_w", "gw_dead");
    store.connect(w, "w", "dev", GRACE).await();
    store.join(w, List.of(), RULES).await();
    assertNull(store.reapDeadNode(5000, 100, GRACE).await(), "after a long gap the store stalled: nobody reaped");
    assertNull(store.reapDeadNode(5000, 100, GRACE).await(), "and nobody for a ttl after it");
    cmd(Command.DEL, RedisKeys.STORE_STALL);
    Reaped r = store.reapDeadNode(5000, 100, GRACE).await();
    assertEquals("gw_dead", r.node());
    assertEquals(2, r.removedUsers());
    assertTrue(r.endedCalls().isEmpty(), "a call is not ended with its user's gateway");
    assertEquals(p.sessionId(), r.gracedCalls().get(0).sessionId());
    assertEquals(a, r.gracedCalls().get(0).peer(), "the survivor hears its stranger is reconnecting");
    assertFalse(queued(w), "a waiting user of the dead node leaves the queue");
    assertEquals(0, cmd(Command.EXISTS, RedisKeys.user(w.userId())).toInteger());
    UserRef b2 = new UserRef(b.userId(), "c_b2", NODE);
    assertEquals(p.sessionId(), store.connect(b2, "b", "dev", GRACE).await().resumable());
    assertEquals(a, store.resume(b2, p.sessionId()).await().peer(), "the user resumes on a live gateway");
    assertFalse(store.heartbeat("gw_dead", false).await(), "a reaped node learns it at its next beat");
    assertTrue(store.heartbeat(NODE, false).await());
    assertNull(store.reapDeadNode(5000, 100, GRACE).await());
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
    Pairing p2 = store.join(users.get(5), List.of(), RULES).await();
    store.suspend(users.get(2), GRACE).await();
    store.expireGrace(5000, 100).await();
    store.reapDeadNode(5000, 100, GRACE).await();
    store.stats().await();
    List<String> declared = List.of(RedisKeys.QUEUE, RedisKeys.QUEUE_SEQ, RedisKeys.QUEUE_PLAIN, RedisKeys.ONLINE, RedisKeys.NODES,
        RedisKeys.PENDING, RedisKeys.STORE_CLOCK, RedisKeys.STORE_STALL, RedisKeys.GRACE);
    List<String> prefixes = List.of(RedisKeys.USER_PREFIX, RedisKeys.SESSION_PREFIX, RedisKeys.NODE_USERS_PREFIX,
        RedisKeys.INTEREST_QUEUE_PREFIX, RedisKeys.PAIR_ENDED_PREFIX);
    for (Response k : cmd(Command.KEYS, "*")) {
      String key = k.toString();
      assertTrue(declared.contains(key) || prefixes.stream().anyMatch(key::startsWith), "undeclared key " + key);
    }
    users.forEach(u -> store.disconnect(u).await());
    assertNull(p2, "users 5 waits (2 and 3 are in a call)");
    store.removeNode(NODE).await();
    for (Response k : cmd(Command.KEYS, "*")) {
      String key = k.toString();
      boolean timed = cmd(Command.PTTL, key).toLong() > 0;
      assertTrue(key.equals(RedisKeys.QUEUE_SEQ) || key.equals(RedisKeys.STORE_CLOCK) || timed,
          "left behind once everyone left: " + key);
    }
  }
}
