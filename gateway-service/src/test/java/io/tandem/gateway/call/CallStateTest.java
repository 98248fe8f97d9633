package io.tandem.gateway.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.Wishes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drives one socket's call state frame by frame, through every race the gateway has met. */
class CallStateTest {
  private static final long T0 = 1_000_000;
  private final CallState call = new CallState();

  private static MatchInfo match(String sessionId) {
    return new MatchInfo(sessionId, "bob", MatchInfo.CALLER, "Bob", "node-2", "conn-2", List.of("chess"), "dev-bob", "en");
  }

  private static String frame(String type, String sessionId) {
    return "{\"type\":\"" + type + "\",\"data\":{\"sessionId\":\"" + sessionId + "\"}}";
  }

  private static TandemException ex(ErrorCode code) {
    return new TandemException(code);
  }

  /** The code of the one FAIL in {@code actions}. */
  private static ErrorCode failure(List<CallAction> actions) {
    assertEquals(1, actions.size(), actions.toString());
    assertEquals(CallAction.Kind.FAIL, actions.get(0).kind());
    return actions.get(0).error().code();
  }

  /** join-queue, answered "queued". */
  private void queued() {
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(Wishes.interests(List.of("chess"))));
    assertEquals(List.of(CallAction.SEND_QUEUED_STATS), call.joinQueued());
  }

  @Test
  void wholeCallFromJoinToEndAndAgain() {
    assertEquals(CallPhase.IDLE, call.phase());
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(Wishes.interests(List.of("chess", "music"))));
    assertEquals(CallPhase.QUEUED, call.phase());
    assertTrue(call.joining());
    assertEquals(List.of("chess", "music"), call.wishes().interests());
    assertEquals(List.of(CallAction.SEND_QUEUED_STATS), call.joinQueued());
    assertFalse(call.joining());
    assertTrue(call.searching());

    MatchInfo m = match("s1");
    assertEquals(List.of(CallAction.ACCEPT_MATCH, CallAction.matched(m)), call.matchDelivered(m, T0));
    assertEquals(CallPhase.IN_CALL, call.phase());
    assertSame(m, call.current("s1"));
    assertEquals(List.of(CallAction.send(frame("offer", "s1"))), call.relayDelivered("s1", frame("offer", "s1"), T0));

    String gone = frame("peer-disconnected", "s1");
    assertEquals(List.of(CallAction.send(gone, "s1", "peer left")), call.peerDisconnected("s1", false, gone));
    assertEquals(CallPhase.ENDED, call.phase());
    assertEquals(ErrorCode.NOT_IN_SESSION, assertThrows(TandemException.class, () -> call.current("s1")).code());
    assertEquals("dev-bob", call.reportTarget("s1"), "the last stranger can still be reported");
    assertEquals(List.of(), call.relayDelivered("s1", frame("candidate", "s1"), T0), "nothing of an ended call is written");
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(Wishes.interests(List.of())), "a new search after a call");
  }

  @Test
  void matchedAtOnceByTheJoinReply() {
    call.join(Wishes.interests(List.of()));
    MatchInfo m = match("s1");
    assertEquals(List.of(CallAction.SEND_QUEUED, CallAction.matched(m)), call.joinMatched(m, T0));
    assertFalse(call.joining());
    assertEquals(CallPhase.IN_CALL, call.phase());
  }

  @Test
  void matchArrivingAfterThePeerLeftIsRefused() {
    queued();
    assertEquals(List.of(), call.peerDisconnected("s1", false, frame("peer-disconnected", "s1")),
        "a plain peer-gone for an unknown session is not written and starts no new search");
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s1"), T0));
    assertEquals(CallPhase.QUEUED, call.phase(), "still searching");
    MatchInfo next = match("s2");
    assertEquals(List.of(CallAction.ACCEPT_MATCH, CallAction.matched(next)), call.matchDelivered(next, T0),
        "the next match is taken");
  }

  @Test
  void joinReplyForASessionWhosePeerAlreadyLeftSearchesAgain() {
    call.join(Wishes.interests(List.of("chess")));
    call.peerDisconnected("s1", false, frame("peer-disconnected", "s1"));
    assertEquals(List.of(CallAction.SEND_QUEUED, CallAction.REJOIN), call.joinMatched(match("s1"), T0));
    assertEquals(CallPhase.QUEUED, call.phase());
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(call.wishes()));
    assertEquals(List.of("chess"), call.wishes().interests());
  }

  @Test
  void signalingBeforeMatchedIsKeptAndFlushedInOrder() {
    queued();
    call.relayDelivered("s1", frame("offer", "s1"), T0);
    call.relayDelivered("s9", frame("offer", "s9"), T0 + 1);
    call.relayDelivered("s1", frame("candidate", "s1"), T0 + 2);
    assertEquals(3, call.earlyFrames());
    MatchInfo m = match("s1");
    assertEquals(List.of(CallAction.ACCEPT_MATCH, CallAction.matched(m),
            CallAction.send(frame("offer", "s1")), CallAction.send(frame("candidate", "s1"))),
        call.matchDelivered(m, T0 + 100), "matched first, then the session's early frames in order; another session's are not written");
    assertEquals(0, call.earlyFrames(), "everything kept is forgotten once matched");
  }

  @Test
  void earlySignalingIsFlushedOnTheJoinReplyToo() {
    call.join(Wishes.interests(List.of()));
    call.relayDelivered("s1", frame("offer", "s1"), T0);
    MatchInfo m = match("s1");
    assertEquals(List.of(CallAction.SEND_QUEUED, CallAction.matched(m), CallAction.send(frame("offer", "s1"))),
        call.joinMatched(m, T0 + 10));
  }

  @Test
  void earlySignalingTooOldIsDropped() {
    queued();
    call.relayDelivered("s1", frame("offer", "s1"), T0);
    call.relayDelivered("s1", frame("candidate", "s1"), T0 + 10);
    MatchInfo m = match("s1");
    assertEquals(List.of(CallAction.ACCEPT_MATCH, CallAction.matched(m), CallAction.send(frame("candidate", "s1"))),
        call.matchDelivered(m, T0 + 10 + EarlyRelays.MAX_AGE_MS), "a frame exactly MAX_AGE old is kept, one older is not");
  }

  @Test
  void earlySignalingOfASessionThatEndedIsDropped() {
    queued();
    call.relayDelivered("s1", frame("offer", "s1"), T0);
    call.relayDelivered("s2", frame("offer", "s2"), T0);
    call.peerDisconnected("s1", false, frame("peer-disconnected", "s1"));
    assertEquals(1, call.earlyFrames(), "only the ended session's frames are dropped");
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s1"), T0));
  }

  @Test
  void signalingForAnotherSessionDuringACallIsDropped() {
    queued();
    call.matchDelivered(match("s1"), T0);
    assertEquals(List.of(), call.relayDelivered("s2", frame("offer", "s2"), T0));
    assertEquals(0, call.earlyFrames());
    assertEquals(List.of(), call.relayDelivered(null, frame("offer", "x"), T0));
  }

  @Test
  void failedOrLateJoinIsAbandoned() {
    call.join(Wishes.interests(List.of("chess")));
    assertEquals(List.of(CallAction.ABANDON), call.joinFailed(ex(ErrorCode.UNAVAILABLE)));
    assertEquals(CallPhase.IDLE, call.phase());
    assertFalse(call.joining());
    assertEquals(ErrorCode.UNAVAILABLE, failure(call.abandoned(null)), "the client hears why");
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s1"), T0),
        "a match made from the late join is refused: the socket gave the search up");
    assertEquals(List.of(), call.joinMatched(match("s1"), T0), "nor is a late matched reply written");
  }

  @Test
  void ghostSessionUndoneByAbandonIsRetriedOnce() {
    call.join(Wishes.interests(List.of("chess")));
    call.joinFailed(ex(ErrorCode.IN_SESSION));
    assertEquals(List.of(CallAction.REJOIN), call.abandoned("ghost"));
    assertEquals(CallPhase.QUEUED, call.phase(), "searching again, as the socket's next step");
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.rejoin());
    assertEquals(List.of("chess"), call.wishes().interests(), "with the same interests");
    call.joinFailed(ex(ErrorCode.IN_SESSION));
    assertEquals(ErrorCode.IN_SESSION, failure(call.abandoned("ghost2")), "only once per join-queue");
    call.join(Wishes.interests(List.of()));
    call.joinFailed(ex(ErrorCode.IN_SESSION));
    assertEquals(ErrorCode.IN_SESSION, failure(call.abandoned(null)), "no ghost undone: a real error");
    call.join(Wishes.interests(List.of()));
    call.joinFailed(ex(ErrorCode.UNAVAILABLE));
    assertEquals(ErrorCode.UNAVAILABLE, failure(call.abandoned("ghost3")), "not an in-session refusal");
    queued();
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("ghost3"), T0), "an undone session is never taken");
    call.join(Wishes.interests(List.of()));
    call.joinFailed(ex(ErrorCode.IN_SESSION));
    assertEquals(List.of(CallAction.REJOIN), call.abandoned("ghost4"), "a new join-queue may be retried once again");
    assertEquals(List.of(CallAction.REQUEST_LEAVE), call.leave());
    assertEquals(List.of(), call.rejoin(), "a retry of a search the person left does nothing");
  }

  @Test
  void joinFailingAfterACallBeganKeepsTheCall() {
    call.join(Wishes.interests(List.of()));
    MatchInfo m = match("s1");
    call.matchDelivered(m, T0);
    assertEquals(ErrorCode.UNAVAILABLE, failure(call.joinFailed(ex(ErrorCode.UNAVAILABLE))), "no abandon: it would end the call");
    assertEquals(CallPhase.IN_CALL, call.phase());
  }

  @Test
  void matchWhileIdleOrInAnotherCallIsRefused() {
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s1"), T0));
    assertEquals(CallPhase.IDLE, call.phase());
    queued();
    call.matchDelivered(match("s1"), T0);
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s2"), T0));
    assertEquals("s1", call.current("s1").sessionId());
    assertEquals("dev-bob", call.reportTarget("s1"));
    assertEquals(ErrorCode.NOT_IN_SESSION, assertThrows(TandemException.class, () -> call.reportTarget("s2")).code());
  }

  @Test
  void matchAfterLeavingTheQueueIsRefused() {
    queued();
    assertEquals(List.of(CallAction.REQUEST_LEAVE), call.leave());
    assertEquals(CallPhase.IDLE, call.phase());
    assertEquals(List.of(), call.leave(), "leaving twice tells nobody");
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s1"), T0));
  }

  @Test
  void matchFailedWhileSearchingSearchesAgainButNotWhileJoining() {
    queued();
    assertEquals(List.of(CallAction.REJOIN), call.peerDisconnected("s1", true, frame("peer-disconnected", "s1")));
    call.join(Wishes.interests(List.of()));
    assertTrue(call.joining());
    assertEquals(List.of(), call.peerDisconnected("s2", true, frame("peer-disconnected", "s2")),
        "the join in flight decides the state");
    call.joinQueued();
    call.leave();
    assertEquals(List.of(), call.peerDisconnected("s3", true, frame("peer-disconnected", "s3")), "not searching");
  }

  @Test
  void duplicateMatchIsAcceptedButSentOnce() {
    queued();
    MatchInfo m = match("s1");
    call.matchDelivered(m, T0);
    assertEquals(List.of(CallAction.ACCEPT_MATCH), call.matchDelivered(m, T0), "acknowledged, nothing written");
    assertEquals(List.of(), call.joinMatched(m, T0), "a join reply with the same session writes nothing either");
    assertEquals(CallPhase.IN_CALL, call.phase());
  }

  @Test
  void joinInACallIsRefused() {
    queued();
    call.matchDelivered(match("s1"), T0);
    List<CallAction> out = call.join(Wishes.interests(List.of()));
    assertEquals(ErrorCode.IN_SESSION, failure(out));
    assertEquals(List.of(), call.leave());
    assertEquals(CallPhase.IN_CALL, call.phase());
  }

  @Test
  void endCallTellsThePeerOnlyWhenTheStoreDidNot() {
    queued();
    MatchInfo m1 = match("s1");
    call.matchDelivered(m1, T0);
    assertEquals(List.of(CallAction.requestEnd(m1)), call.endCall("s1"));
    String ended = frame("call-ended", "s1");
    assertEquals(List.of(CallAction.send(ended)), call.endedByUser(m1, true, ended));
    assertEquals(CallPhase.ENDED, call.phase());
    assertEquals(ErrorCode.NOT_IN_SESSION, failure(call.endCall("s1")), "an ended call is not ended again");
    queued();
    MatchInfo m2 = match("s2");
    call.matchDelivered(m2, T0);
    String ended2 = frame("call-ended", "s2");
    assertEquals(List.of(CallAction.tellPeerLeft(m2), CallAction.send(ended2)), call.endedByUser(m2, false, ended2),
        "the store no longer had the session: the socket tells the peer");
    assertEquals(CallPhase.ENDED, call.phase());
  }

  @Test
  void reportNeedsACurrentOrLastSession() {
    assertEquals(ErrorCode.NOT_IN_SESSION, assertThrows(TandemException.class, () -> call.reportTarget("s1")).code());
    assertEquals(ErrorCode.NOT_IN_SESSION, assertThrows(TandemException.class, () -> call.reportTarget(null)).code());
  }

  @Test
  void closedSocketTakesNothing() {
    queued();
    MatchInfo m = match("s1");
    call.matchDelivered(m, T0);
    assertSame(m, call.close(), "the call its peer must hear about");
    assertEquals(CallPhase.CLOSED, call.phase());
    assertNull(call.close(), "closing twice: nothing more to tell");
    assertEquals(List.of(), call.join(Wishes.interests(List.of())));
    assertEquals(List.of(CallAction.REFUSE_MATCH), call.matchDelivered(match("s2"), T0));
    assertEquals(List.of(), call.relayDelivered("s1", frame("offer", "s1"), T0));
    assertEquals(List.of(), call.joinMatched(match("s3"), T0));
    assertEquals(ErrorCode.UNAVAILABLE, failure(call.joinFailed(ex(ErrorCode.UNAVAILABLE))));
    assertEquals(CallAction.Kind.FAIL, call.abandoned("ghost").get(0).kind());
    assertEquals(List.of(), call.peerDisconnected("s4", true, frame("peer-disconnected", "s4")));
  }

  @Test
  void closingWhileSearchingHasNoCallToReport() {
    queued();
    call.relayDelivered("s1", frame("offer", "s1"), T0);
    assertNull(call.close());
    assertEquals(0, call.earlyFrames());
  }

  @Test
  void phaseChangesFollowTheTable() {
    assertTrue(CallPhase.IDLE.canGo(CallPhase.QUEUED));
    assertTrue(CallPhase.IDLE.canGo(CallPhase.IN_CALL), "a call without searching only by resume (CallState.resumed)");
    assertFalse(CallPhase.QUEUED.canGo(CallPhase.ENDED), "a search does not end a call");
    assertTrue(CallPhase.QUEUED.canGo(CallPhase.IN_CALL));
    assertFalse(CallPhase.IN_CALL.canGo(CallPhase.QUEUED), "a call ends before a new search");
    assertTrue(CallPhase.ENDED.canGo(CallPhase.QUEUED));
    for (CallPhase p : CallPhase.values()) {
      assertFalse(CallPhase.CLOSED.canGo(p), "closed is final");
      assertTrue(p == CallPhase.CLOSED || p.canGo(CallPhase.CLOSED), p + " can close");
    }
  }

  // ---- resume ----

  @Test
  void aResumedCallFlowsAgainAndItsStrangerCanBeReported() {
    call.resumable("s1");
    assertEquals(List.of(CallAction.requestResume("s1")), call.resume("s1"));
    MatchInfo m = match("s1");
    assertEquals(List.of(CallAction.resumed(m)), call.resumed(m, false, 2));
    assertEquals(CallPhase.IN_CALL, call.phase());
    assertSame(m, call.current("s1"));
    assertFalse(call.peerAway());
    assertEquals("dev-bob", call.reportTarget("s1"));
    assertEquals(ErrorCode.IN_SESSION, failure(call.resume("s1")), "one call at a time");
    assertEquals(List.of(CallAction.send(frame("answer", "s1"))), call.relayDelivered("s1", frame("answer", "s1"), T0));
  }

  @Test
  void aResumeAnsweredAfterTheSocketClosedIsNotTaken() {
    call.resumable("s1");
    call.close();
    assertEquals(List.of(), call.resumed(match("s1"), false, 2));
    assertEquals(CallPhase.CLOSED, call.phase());
    assertEquals(ErrorCode.GONE, failure(call.resume("s1")));
  }

  @Test
  void aSearchingSocketCannotResumeAndAKeptCallIsTakenOnceForEnding() {
    call.resumable("s1");
    assertEquals(List.of(CallAction.endKept("s1"), CallAction.REQUEST_JOIN), call.join(Wishes.interests(List.of("chess"))),
        "searching instead of resuming ends the kept call first");
    assertEquals(List.of(CallAction.SEND_QUEUED_STATS), call.joinQueued());
    assertEquals(ErrorCode.IN_SESSION, failure(call.resume("s1")));
    call.resumable("s9");
    assertEquals(List.of(CallAction.REQUEST_LEAVE), call.leave());
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(Wishes.interests(List.of())), "only an idle socket keeps a call; it is ended once");
    assertEquals(ErrorCode.SESSION_GONE, failure(call.resumeRefused(ex(ErrorCode.SESSION_GONE))), "a refused resume fails the step");
  }

  @Test
  void theStrangerAwayAndBackInEpochOrder() {
    queued();
    call.matchDelivered(match("s1"), T0);
    String away = frame("peer-reconnecting", "s1");
    String back = frame("peer-resumed", "s1");
    assertEquals(List.of(CallAction.send(away, "s1", "peer reconnecting")), call.peerReconnecting("s1", 1, away));
    assertTrue(call.peerAway());
    assertEquals(List.of(), call.peerReconnecting("s1", 1, away), "the same notice twice is written once");
    assertEquals(List.of(), call.peerReconnecting("s2", 5, away), "another session's notice is ignored");
    assertEquals(List.of(CallAction.send(back, "s1", "peer resumed")), call.peerResumed("s1", 2, "node-9", "conn-9", back));
    assertFalse(call.peerAway());
    assertEquals("node-9", call.current("s1").peerNode(), "relays go to the stranger's new socket");
    assertEquals("conn-9", call.current("s1").peerConn());
    assertEquals(List.of(), call.peerReconnecting("s1", 1, away), "a late older notice does not mark the stranger away again");
    assertEquals(List.of(), call.peerResumed("s1", 2, "node-x", "conn-x", back), "nor moves the stranger back");
    assertEquals("conn-9", call.current("s1").peerConn());
    assertEquals(List.of(CallAction.send(away, "s1", "peer reconnecting")), call.peerReconnecting("s1", 0, away), "a direct notice (store down) marks it away");
    assertEquals(List.of(), call.peerReconnecting("s1", 0, away));
    String gone = frame("peer-disconnected", "s1");
    call.peerDisconnected("s1", false, gone);
    assertFalse(call.peerAway(), "an ended call has no stranger away");
  }

  @Test
  void aLoneSearchMovesToTheOverflowOnceAndComesHomeForTheNextSearch() {
    queued();
    long first = call.searchNo();
    assertFalse(call.searchesInOverflow());
    assertEquals(0, call.fence());
    assertEquals(List.of(CallAction.MOVE_OUT), call.overflowDue(first));
    assertEquals(List.of(), call.movedOut(false), "matched (or gone) at home meanwhile: nothing moves");
    assertFalse(call.searchesInOverflow());
    assertEquals(List.of(CallAction.JOIN_OVERFLOW), call.movedOut(true));
    assertTrue(call.searchesInOverflow());
    assertEquals(1, call.fence(), "each move is a new fence");
    assertTrue(call.joining());
    assertEquals(List.of(), call.joinQueued(), "the move's queued answer writes nothing (the client has its queued)");
    assertEquals(List.of(), call.overflowDue(first), "moved already");
    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(Wishes.interests(List.of("golf"))), "new wishes while waiting there");
    assertTrue(call.searchesInOverflow(), "a join while waiting stays where the search waits");
    assertEquals(List.of(CallAction.SEND_QUEUED_STATS), call.joinQueued(), "the client's own join is answered");
    assertEquals(List.of(CallAction.REQUEST_LEAVE), call.leave());
    assertTrue(call.searchesInOverflow(), "the leave goes where the search waited");

    assertEquals(List.of(CallAction.REQUEST_JOIN), call.join(Wishes.NONE));
    assertFalse(call.searchesInOverflow(), "a new search begins at home");
    assertEquals(List.of(), call.overflowDue(first), "a watch of the earlier search does nothing");
    call.joinQueued();
    assertEquals(List.of(CallAction.MOVE_OUT), call.overflowDue(call.searchNo()));
    assertEquals(List.of(CallAction.JOIN_OVERFLOW), call.movedOut(true));
    assertEquals(2, call.fence());
    MatchInfo m = match("so_1");
    assertEquals(List.of(CallAction.matched(m)), call.joinMatched(m, T0), "matched at once there: no second queued");
    assertEquals(List.of(), call.overflowDue(call.searchNo()), "in a call: nothing moves");
  }

  @Test
  void aMoveWaitsForAJoinInFlightAndAFailedMoveIsGivenUpWhereItWent() {
    queued();
    long n = call.searchNo();
    call.join(Wishes.NONE);
    assertEquals(List.of(), call.overflowDue(n), "a join in flight: its queued answer watches again");
    call.joinQueued();
    call.overflowDue(n);
    call.movedOut(true);
    assertEquals(List.of(CallAction.ABANDON), call.joinFailed(ex(ErrorCode.UNAVAILABLE)));
    assertTrue(call.searchesInOverflow(), "the abandon goes to the overflow, fenced");
    assertEquals(ErrorCode.UNAVAILABLE, failure(call.abandoned(null)));
    assertEquals(List.of(), call.movedOut(true), "no search any more: nothing moves");
    assertFalse(call.inOverflowStore(), "registered only once the interpreter says so");
    call.enteredOverflow();
    assertTrue(call.inOverflowStore());
  }
}
