package io.tandem.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.UserRef;
import io.tandem.common.msg.Wishes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every edge case of {@link CallStore}'s contract, run against each implementation (the Redis one
 * on a real redis-server, the memory one in process), with the state each step left behind read
 * through a {@link StoreProbe}. A case here holds for every store; a store's own facts (Redis key
 * schema and TTLs) are tested in its own class.
 */
abstract class CallStoreContract {
  static final String NODE = "gw_a";
  static final MatchRules RULES = new MatchRules("test", 64, 5000, 5000, 30_000);
  static final AtomicInteger SEQ = new AtomicInteger();
  static final long GRACE = 10_000;
  CallStore store;
  StoreProbe probe;

  /** A store on an empty state, and its probe. */
  abstract StoreProbe open();

  @BeforeEach
  void clean() {
    probe = open();
    store = probe.store();
    store.heartbeat(NODE, true).await();
  }

  UserRef user(String name) {
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

  boolean queuedNow(UserRef u, List<String> interests, MatchRules rules) {
    return store.join(u, interests, rules).await() instanceof JoinOutcome.Queued;
  }

  boolean queuedNow(UserRef u) {
    return queuedNow(u, List.of(), RULES);
  }

  Pairing paired(UserRef u, List<String> interests) {
    JoinOutcome o = store.join(u, interests, RULES).await();
    assertTrue(o instanceof JoinOutcome.Paired, "paired, not " + o);
    return o.paired().orElseThrow();
  }

  /** Two users in a pending session; a is the caller. */
  Pairing pair(UserRef a, UserRef b) {
    assertTrue(queuedNow(a));
    return paired(b, List.of());
  }

  /** a and b in a call (a the caller), and a's socket lost: the call waits {@code graceMs} for a. */
  Pairing callWithALostCaller(UserRef a, UserRef b, long graceMs) {
    Pairing p = pair(a, b);
    assertNotNull(store.suspend(a, graceMs).await().graced());
    return p;
  }

  @Test
  void joinQueuesThenPairsOldestAsCallerPending() {
    UserRef a = user("a");
    UserRef b = user("b");
    assertEquals(JoinOutcome.QUEUED, store.join(a, List.of(), RULES).await(), "alone: queued");
    assertTrue(store.join(a, List.of(), RULES).await().paired().isEmpty());
    long seq = probe.queueSeq(a);
    assertTrue(queuedNow(a), "a repeated join is harmless");
    assertEquals(seq, probe.queueSeq(a), "and keeps the place");
    Pairing p = paired(b, List.of());
    assertEquals(a, p.caller());
    assertEquals(b, p.callee());
    assertEquals("a", p.callerName());
    assertFalse(probe.queued(a) || probe.queued(b), "both left the queue");
    assertEquals(p.sessionId(), probe.session(a));
    assertEquals(p.sessionId(), probe.session(b));
    assertTrue(probe.pending(p.sessionId()), "a new match is pending");
    assertEquals(ErrorCode.IN_SESSION, failure(store.join(b, List.of(), RULES)).code(), "in a pending call: refused");
    store.confirm(p.sessionId()).await();
    assertFalse(probe.pending(p.sessionId()));
    store.confirm(p.sessionId()).await(); // succeeds again
    assertEquals(ErrorCode.IN_SESSION, failure(store.join(a, List.of(), RULES)).code(), "in a call: refused");
  }

  @Test
  void severalMatchesAreConfirmedInOneCall() {
    Pairing p1 = pair(user("c1"), user("c2"));
    Pairing p2 = pair(user("c3"), user("c4"));
    store.confirmAll(List.of(p1.sessionId(), p2.sessionId(), "s_not-a-session")).await();
    assertFalse(probe.pending(p1.sessionId()) || probe.pending(p2.sessionId()), "both confirmed; an unknown id is harmless");
    store.confirmAll(List.of()).await();
    List<String> tooMany = new ArrayList<>();
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
    assertTrue(queuedNow(chess, List.of("chess"), RULES));
    assertTrue(queuedNow(golf, List.of("golf"), RULES), "no shared interest, nobody relaxed yet");
    Pairing p = paired(chess2, List.of("chess", "music"));
    assertEquals(chess, p.caller());
    assertEquals(List.of("chess"), p.commonInterests());
    assertFalse(p.relaxed());
    UserRef other = user("other");
    assertTrue(queuedNow(other, List.of("art"), RULES));
    Sweep s = store.sweepPairs(new MatchRules("test", 64, 5000, 0, 30_000), List.of("s_sweep1", "s_sweep2")).await();
    assertEquals(1, s.pairs().size(), "with relax 0 the sweep pairs anyone");
    assertTrue(s.pairs().get(0).relaxed());
    assertEquals(0, s.queueLength());
  }

  Pairing paired(UserRef u, Wishes wishes) {
    JoinOutcome o = store.join(u, wishes, RULES).await();
    assertTrue(o instanceof JoinOutcome.Paired, "paired, not " + o);
    return o.paired().orElseThrow();
  }

  boolean queuedNow(UserRef u, Wishes wishes) {
    return store.join(u, wishes, RULES).await() instanceof JoinOutcome.Queued;
  }

  static Wishes speaks(String... tags) {
    return new Wishes(List.of(), List.of(tags));
  }

  @Test
  void aSharedLanguageBeatsALongerWait() {
    UserRef es = user("es");
    UserRef en = user("en");
    assertTrue(queuedNow(es, speaks("es")));
    assertTrue(queuedNow(en, speaks("en")), "no shared language, nobody relaxed yet");
    Pairing p = paired(user("en2"), speaks("fr", "en"));
    assertEquals(en, p.caller(), "the younger entry who speaks English, not the older Spanish speaker");
    assertEquals("en", p.commonLanguage());
    assertTrue(probe.queued(es));
    Pairing q = paired(user("es2"), speaks("es", "en"));
    assertEquals(es, q.caller());
    assertEquals("es", q.commonLanguage(), "the joiner's first shared language");
    assertFalse(probe.languageIndexed("es"), "language index cleaned");
    assertFalse(probe.languageIndexed("en"));
  }

  @Test
  void languagesRelaxAfterTheRelaxTime() {
    UserRef es = user("es");
    UserRef de = user("de");
    assertTrue(queuedNow(es, speaks("es")));
    assertTrue(queuedNow(de, speaks("de")));
    Sweep none = store.sweepPairs(RULES, List.of("s_l1")).await();
    assertTrue(none.pairs().isEmpty(), "no shared language before relax");
    Sweep s = store.sweepPairs(new MatchRules("test", 64, 5000, 0, 30_000), List.of("s_l2")).await();
    assertEquals(1, s.pairs().size(), "with relax 0 anyone pairs");
    assertEquals("", s.pairs().get(0).commonLanguage());
    UserRef any = user("any");
    UserRef tr = user("tr");
    assertTrue(queuedNow(tr, speaks("tr")));
    Pairing p = paired(any, Wishes.NONE);
    assertEquals(tr, p.caller(), "someone who states no language pairs with anyone");
    assertEquals("", p.commonLanguage());
  }

  @Test
  void aSharedLanguageComesFirstThenASharedInterest() {
    UserRef enChess = user("enChess");
    UserRef esGolf = user("esGolf");
    UserRef esChess = user("esChess");
    assertTrue(queuedNow(enChess, new Wishes(List.of("chess"), List.of("en"))));
    assertTrue(queuedNow(esGolf, new Wishes(List.of("golf"), List.of("es"))));
    assertTrue(queuedNow(esChess, new Wishes(List.of("chess"), List.of("es"))));
    Pairing p = paired(user("joiner"), new Wishes(List.of("chess"), List.of("es")));
    assertEquals(esChess, p.caller(), "a shared language and a shared interest, though two waited longer");
    assertEquals("es", p.commonLanguage());
    assertEquals(List.of("chess"), p.commonInterests());
    assertTrue(queuedNow(user("frGolf"), new Wishes(List.of("golf"), List.of("fr"))),
        "a shared interest without a shared language waits until relax");
    assertTrue(probe.queued(enChess));
    assertTrue(probe.queued(esGolf));
  }

  @Test
  void leaveSucceedsWhetherOrNotWaiting() {
    UserRef a = user("a");
    store.leave(a).await();
    assertTrue(queuedNow(a, List.of("x"), RULES));
    assertTrue(probe.interestIndexed("x"));
    store.leave(a).await();
    assertFalse(probe.queued(a));
    assertFalse(probe.interestIndexed("x"), "interest index cleaned");
  }

  @Test
  void leaveSaysWhetherTheUserWaited() {
    UserRef a = user("a");
    assertFalse(store.leave(a).await(), "not waiting");
    assertTrue(queuedNow(a));
    assertTrue(store.leave(a).await(), "was waiting");
    assertFalse(store.leave(a).await());
    assertFalse(store.leave(new UserRef(a.userId(), "c_other", NODE)).await(), "another socket's leave does nothing");
  }

  @Test
  void aFencedJoinArrivingAfterItsLeaveOrAbandonIsRefused() {
    UserRef a = user("a");
    assertEquals(JoinOutcome.QUEUED, store.join(a, Wishes.NONE, RULES, 1).await(), "fence 1, nothing fenced yet");
    assertTrue(store.leave(a, 1).await());
    assertEquals(ErrorCode.GONE, failure(store.join(a, Wishes.NONE, RULES, 1)).code(), "a join of the search that was left never queues again");
    assertFalse(probe.queued(a));
    assertEquals(JoinOutcome.QUEUED, store.join(a, Wishes.NONE, RULES, 2).await(), "the next fence joins");
    assertNull(store.abandon(a, 2).await());
    assertEquals(ErrorCode.GONE, failure(store.join(a, Wishes.NONE, RULES, 2)).code());
    assertEquals(ErrorCode.GONE, failure(store.join(a, Wishes.NONE, RULES, 1)).code(),
        "an older fence stays refused");
    assertTrue(queuedNow(a), "an unfenced join is not fenced");
    assertTrue(store.leave(a, 1).await());
    assertEquals(JoinOutcome.QUEUED, store.join(a, Wishes.NONE, RULES, 3).await(), "a lower fence never lowers the bar");
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
    assertFalse(probe.pending(p.sessionId()), "an ended session is not pending");
    assertEquals(EndResult.Status.NOT_IN_SESSION, store.endCall(a, p.sessionId()).await().status(), "only once");
    assertFalse(probe.sessionExists(p.sessionId()));
    assertTrue(queuedNow(a));
    assertTrue(queuedNow(b), "no instant rematch of a pair that just talked");
  }

  @Test
  void abandonUndoesAGhostSessionWithoutCooldown() {
    UserRef a = user("a");
    UserRef b = user("b");
    assertNull(store.abandon(a).await(), "nothing to undo");
    assertTrue(queuedNow(a));
    assertNull(store.abandon(a).await());
    assertFalse(probe.queued(a), "abandon leaves the queue");
    Pairing p = pair(a, b);
    EndedCall undone = store.abandon(b).await();
    assertEquals(p.sessionId(), undone.sessionId());
    assertEquals(a, undone.peer());
    assertNull(probe.session(a));
    assertNull(probe.session(b));
    assertFalse(probe.pending(p.sessionId()));
    assertTrue(queuedNow(a));
    assertNotNull(paired(b, List.of()), "an undone match leaves no cooldown: they pair again");
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
    assertEquals(confirmed.sessionId(), probe.session(c), "a confirmed call stays");
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
    assertEquals(a2.node(), probe.node(a));
    EndedCall ended = store.disconnect(a2).await();
    assertEquals(p.sessionId(), ended.sessionId(), "a close meant by the person ends the kept call");
    assertEquals(b, ended.peer());
    assertFalse(probe.userKnown(a));
    assertEquals(0, probe.graceCount());
    assertNull(probe.session(b));

    UserRef q = user("q");
    store.join(q, List.of(), RULES).await();
    Connected cq = store.connect(new UserRef(q.userId(), "c_q2", NODE), "q", "dev", GRACE).await();
    assertNull(cq.graced(), "a waiting user has no call to keep");
    assertNull(cq.resumable());
    assertFalse(probe.queued(q), "the replaced socket's queue entry is gone");
    assertNull(store.disconnect(new UserRef("u_never", "c_never", NODE)).await(), "a socket never registered: nothing");
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
    assertEquals(p.sessionId(), probe.session(a), "the call is kept");
    assertNull(probe.conn(a), "the socket is forgotten");
    assertFalse(probe.onNode(NODE, a), "and not reaped with its node");
    assertTrue(probe.inGrace(a));

    // nobody is matched with a user in grace, nor with its peer
    UserRef c = user("c");
    assertTrue(queuedNow(c));
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
    assertFalse(probe.inGrace(a));
    assertFalse(probe.graceDeadline(a));
    assertTrue(store.expireGrace(5000, 100).await().isEmpty());
    assertEquals(EndResult.Status.ENDED, store.endCall(a2, p.sessionId()).await().status(), "the call goes on from the new socket");
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(a2, p.sessionId())).code(), "an ended call");
    assertEquals(ErrorCode.GONE, failure(store.resume(a, p.sessionId())).code(), "an unregistered socket");
  }

  @Test
  void aFlappingLinkKeepsItsFirstDeadlineAndBothSidesMayBeAway() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = callWithALostCaller(a, b, GRACE);
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
    assertFalse(probe.userKnown(a), "the socketless user is gone");
    assertNull(probe.session(b));

    // a new socket that connected but never resumed keeps its socket; only the call ends
    UserRef c = user("c");
    UserRef d = user("d");
    Pairing q = pair(c, d);
    store.suspend(c, 1).await();
    UserRef c2 = new UserRef(c.userId(), "c_c2", NODE);
    store.connect(c2, "c", "dev", GRACE).await();
    Thread.sleep(20);
    assertEquals(q.sessionId(), store.expireGrace(5000, 100).await().get(0).sessionId());
    assertEquals(c2.connId(), probe.conn(c));
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(c2, q.sessionId())).code());
    assertTrue(queuedNow(c2), "and it can search again");
  }

  @Test
  void nothingExpiresWhileTheStoreRecoversFromAStall() throws Exception {
    callWithALostCaller(user("a"), user("b"), 1);
    Thread.sleep(20);
    long now = probe.now();
    probe.lastReapAt(now - 60_000);
    assertTrue(store.expireGrace(5000, 100).await().isEmpty(), "a frozen store is no reason to end calls");
    probe.lastReapAt(now);
    probe.stallEndedAt(now);
    assertTrue(store.expireGrace(5000, 100).await().isEmpty(), "nor right after it");
    probe.stallEndedAt(0);
    assertEquals(1, store.expireGrace(5000, 100).await().size());
  }

  @Test
  void thePeerEndingTheCallForgetsAUserInGrace() {
    UserRef a = user("a");
    UserRef b = user("b");
    Pairing p = callWithALostCaller(a, b, GRACE);
    assertEquals(EndResult.Status.ENDED, store.endCall(b, p.sessionId()).await().status());
    assertFalse(probe.userKnown(a), "nothing left to resume");
    assertFalse(probe.inGrace(a));
    UserRef a2 = new UserRef(a.userId(), "c_a2", NODE);
    assertNull(store.connect(a2, "a", "dev", GRACE).await().resumable());
    assertEquals(ErrorCode.SESSION_GONE, failure(store.resume(a2, p.sessionId())).code());
  }

  @Test
  void deadNodesAreReapedButAStalledStoreReapsNobody() {
    UserRef a = user("a");
    UserRef b = new UserRef("u_b_dead" + SEQ.incrementAndGet(), "c_b", "gw_dead");
    store.connect(b, "b", "dev", GRACE).await();
    store.heartbeat("gw_dead", true).await();
    Pairing p = pair(a, b);
    long now = probe.now();
    probe.lastBeat("gw_dead", now - 60_000);
    probe.lastReapAt(now - 60_000);
    UserRef w = new UserRef("u_w_dead" + SEQ.incrementAndGet(), "c_w", "gw_dead");
    store.connect(w, "w", "dev", GRACE).await();
    store.join(w, List.of(), RULES).await();
    assertNull(store.reapDeadNode(5000, 100, GRACE).await(), "after a long gap the store stalled: nobody reaped");
    assertNull(store.reapDeadNode(5000, 100, GRACE).await(), "and nobody for a ttl after it");
    probe.stallEndedAt(0);
    Reaped r = store.reapDeadNode(5000, 100, GRACE).await();
    assertEquals("gw_dead", r.node());
    assertEquals(2, r.removedUsers());
    assertTrue(r.endedCalls().isEmpty(), "a call is not ended with its user's gateway");
    assertEquals(p.sessionId(), r.gracedCalls().get(0).sessionId());
    assertEquals(a, r.gracedCalls().get(0).peer(), "the survivor hears its stranger is reconnecting");
    assertFalse(probe.queued(w), "a waiting user of the dead node leaves the queue");
    assertFalse(probe.userKnown(w));
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

  // Edge cases the interface's doc names and the cases above do not reach.

  @Test
  void resumingACallThatIsNotInGraceSucceeds() {
    Pairing p = pair(user("a"), user("b"));
    store.confirm(p.sessionId()).await();
    Resumed r = store.resume(p.callee(), p.sessionId()).await();
    assertEquals("callee", r.role());
    assertEquals(p.caller(), r.peer());
    assertEquals(p.sessionId(), probe.session(p.callee()), "the call goes on");
  }

  @Test
  void suspendingAUserInNoCallIsADisconnect() {
    UserRef a = user("a");
    assertTrue(queuedNow(a));
    Lost lost = store.suspend(a, GRACE).await();
    assertNull(lost.graced());
    assertNull(lost.ended());
    assertFalse(probe.userKnown(a));
    assertFalse(probe.queued(a));
    assertEquals(0, store.stats().await().online());
  }

  @Test
  void expireGraceEndsAtMostABatch() throws Exception {
    for (int i = 0; i < 2; i++) {
      callWithALostCaller(user("a" + i), user("b" + i), 1);
    }
    Thread.sleep(20);
    assertEquals(1, store.expireGrace(5000, 1).await().size());
    assertEquals(1, store.expireGrace(5000, 1).await().size());
    assertTrue(store.expireGrace(5000, 1).await().isEmpty());
  }

  @Test
  void waitingUsersOfASilentGatewayAreSkippedNotRemoved() {
    UserRef w = new UserRef("u_slow" + SEQ.incrementAndGet(), "c_slow", "gw_slow");
    store.connect(w, "w", "dev", GRACE).await();
    store.heartbeat("gw_slow", true).await();
    assertTrue(queuedNow(w));
    probe.lastBeat("gw_slow", probe.now() - 60_000);
    UserRef x = user("x");
    assertTrue(queuedNow(x), "nobody live to pair with");
    assertTrue(probe.queued(w), "the silent gateway's user keeps its place");
    store.heartbeat("gw_slow", false).await();
    Sweep s = store.sweepPairs(RULES, List.of("s_back")).await();
    assertEquals(w, s.pairs().get(0).caller(), "once its gateway beats again, it is paired first");
  }

  @Test
  void aSweepMakesAtMostOnePairPerSessionIdAndAnEmptyQueueIsFine() {
    Sweep empty = store.sweepPairs(RULES, List.of("s_1")).await();
    assertTrue(empty.pairs().isEmpty());
    assertEquals(0, empty.queueLength());
    for (String i : List.of("w", "x", "y", "z")) assertTrue(queuedNow(user(i), List.of(i), RULES));
    Sweep s = store.sweepPairs(new MatchRules("test", 64, 5000, 0, 30_000), List.of("s_only")).await();
    assertEquals(1, s.pairs().size());
    assertEquals("s_only", s.pairs().get(0).sessionId());
    assertEquals(2, s.queueLength());
  }

  @Test
  void theOnlyTwoWaitingPairDespiteTheCooldownOnceBothWaitedPastRelax() {
    Pairing p = pair(user("a"), user("b"));
    assertEquals(EndResult.Status.ENDED, store.endCall(p.caller(), p.sessionId()).await().status());
    assertTrue(queuedNow(p.caller()) && queuedNow(p.callee()), "cooldown");
    assertTrue(store.sweepPairs(RULES, List.of("s_1")).await().pairs().isEmpty(), "not before relax");
    Sweep s = store.sweepPairs(new MatchRules("test", 64, 5000, 0, 30_000), List.of("s_2")).await();
    assertEquals(1, s.pairs().size(), "nobody else to talk to");
  }

  @Test
  void aRepeatedJoinTakesTheNewInterestsAndKeepsItsPlace() {
    UserRef a = user("a");
    assertTrue(queuedNow(a, List.of("x"), RULES));
    long seq = probe.queueSeq(a);
    assertTrue(queuedNow(a, List.of("y"), RULES));
    assertEquals(seq, probe.queueSeq(a));
    assertFalse(probe.interestIndexed("x"));
    assertTrue(probe.interestIndexed("y"));
    assertEquals(List.of("y"), paired(user("b"), List.of("y")).commonInterests());
  }

  @Test
  void removeNodeSucceedsWhetherOrNotThereAndARemovedNodeLearnsIt() {
    store.removeNode("gw_never").await();
    store.removeNode(NODE).await();
    assertFalse(store.heartbeat(NODE, false).await(), "a beat after removal: the node's sockets are unknown");
    assertTrue(store.heartbeat(NODE, false).await());
  }
}
