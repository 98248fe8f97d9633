package io.tandem.gateway.call;

import static io.tandem.gateway.call.CallPhase.CLOSED;
import static io.tandem.gateway.call.CallPhase.ENDED;
import static io.tandem.gateway.call.CallPhase.IDLE;
import static io.tandem.gateway.call.CallPhase.IN_CALL;
import static io.tandem.gateway.call.CallPhase.QUEUED;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.Wishes;
import java.util.ArrayList;
import java.util.List;

/**
 * One socket's call state, with no I/O. Each event (a frame, a reply, a delivery) changes it and
 * returns the {@link CallAction}s to carry out, and nothing else; the reads below the events answer
 * questions and change nothing. Every phase change is checked against {@link CallPhase#canGo}. Times
 * are passed in (ms), so a test drives it frame by frame.
 */
public final class CallState {
  private enum Verdict { ACCEPT, DUPLICATE, REFUSE }

  private final EarlyRelays early;
  private final Stranger stranger = new Stranger();
  private final Search search = new Search();
  private CallPhase phase = IDLE;
  private boolean enteredOverflow;

  public CallState() {
    this(new EarlyRelays());
  }

  CallState(EarlyRelays early) {
    this.early = early;
  }

  /** join-queue: refused in a call, ignored once closed, otherwise searching (again); a kept call is ended first. */
  public List<CallAction> join(Wishes wanted) {
    if (phase == CLOSED) return List.of();
    if (phase == IN_CALL) return List.of(CallAction.fail(ErrorCode.IN_SESSION));
    if (phase != QUEUED) search.fresh();
    moveTo(QUEUED);
    String kept = search.start(wanted);
    return kept == null ? List.of(CallAction.REQUEST_JOIN) : List.of(CallAction.endKept(kept), CallAction.REQUEST_JOIN);
  }

  /** The server's retry of a join (REJOIN): the same search again, if the socket still searches. */
  public List<CallAction> rejoin() {
    if (phase != QUEUED) return List.of();
    search.again();
    return List.of(CallAction.REQUEST_JOIN);
  }

  /** The matchmaker queued the user: say so (with counts) if still searching. */
  public List<CallAction> joinQueued() {
    boolean moved = search.takeMoving();
    search.answered(null);
    if (phase != QUEUED || moved) return List.of();
    return List.of(CallAction.SEND_QUEUED_STATS);
  }

  /** Matched at once: a match this still-searching socket cannot take (its peer left) means search again; a socket no longer searching hears nothing. */
  public List<CallAction> joinMatched(MatchInfo m, long now) {
    boolean moved = search.takeMoving();
    search.answered(null);
    if (phase != QUEUED) return List.of();
    List<CallAction> out = new ArrayList<>(moved ? List.of() : List.of(CallAction.SEND_QUEUED));
    if (offer(m) == Verdict.ACCEPT) addMatched(out, m, now);
    else out.add(CallAction.REJOIN);
    return out;
  }

  /** The join failed or its reply never came: give it up in the store, unless a call began meanwhile. */
  public List<CallAction> joinFailed(TandemException failure) {
    search.takeMoving();
    search.answered(failure);
    if (phase == IN_CALL || phase == CLOSED) return List.of(CallAction.fail(search.takeFailure()));
    if (phase != IDLE) moveTo(IDLE);
    return List.of(CallAction.ABANDON);
  }

  /** The store gave the join up, undoing {@code undone} (a session this socket never heard of, or null): an in-session refusal caused by such a ghost is retried, once per join-queue. */
  public List<CallAction> abandoned(String undone) {
    TandemException failure = search.takeFailure();
    search.undone(undone);
    if (phase != IDLE || !search.retriesGhost(failure, undone)) return List.of(CallAction.fail(failure));
    moveTo(QUEUED);
    return List.of(CallAction.REJOIN);
  }

  /** The overflow delay passed since search {@code searchNo} began: one still waiting at home, no join in flight, moves. */
  public List<CallAction> overflowDue(long searchNo) {
    if (phase != QUEUED || search.inOverflow() || search.joining() || searchNo != search.searchNo()) return List.of();
    return List.of(CallAction.MOVE_OUT);
  }

  /** Taken out of the home queue ({@code wasWaiting}; else a match made there is on its way): a search still going moves. */
  public List<CallAction> movedOut(boolean wasWaiting) {
    if (!wasWaiting || phase != QUEUED) return List.of();
    search.toOverflow();
    return List.of(CallAction.JOIN_OVERFLOW);
  }

  /** Which search an overflow watch set now belongs to. */
  public long searchNo() {
    return search.searchNo();
  }

  /** Whether the search's joins, leave and abandon go to the overflow partition (else to the user's own). */
  public boolean searchesInOverflow() {
    return search.inOverflow();
  }

  /** The fence of this socket's steps in the overflow (its moves so far). */
  public long fence() {
    return search.fence();
  }

  /** The socket is registered in the overflow partition (it searched or resumed a call there): its close is told there too. */
  public void enteredOverflow() {
    enteredOverflow = true;
  }

  /** Whether the socket is registered in the overflow partition. */
  public boolean inOverflowStore() {
    return enteredOverflow;
  }

  /** leave-queue: only a searching socket tells the matchmaker. */
  public List<CallAction> leave() {
    if (phase != QUEUED) return List.of();
    moveTo(IDLE);
    return List.of(CallAction.REQUEST_LEAVE);
  }

  /** A match delivered by the matchmaker (the peer's join found this socket waiting). */
  public List<CallAction> matchDelivered(MatchInfo m, long now) {
    Verdict v = offer(m);
    if (v == Verdict.REFUSE) return List.of(CallAction.REFUSE_MATCH);
    List<CallAction> out = new ArrayList<>(List.of(CallAction.ACCEPT_MATCH));
    if (v == Verdict.ACCEPT) addMatched(out, m, now);
    return out;
  }

  /** An offer, answer, candidate or chat message from the peer: written if it is for this call, else kept until the match. */
  public List<CallAction> relayDelivered(String sessionId, String frame, long now) {
    if (isCurrent(sessionId)) return List.of(CallAction.send(frame));
    if (phase != IN_CALL && phase != CLOSED && sessionId != null) early.add(sessionId, frame, now);
    return List.of();
  }

  /**
   * peer-disconnected. For this call: it ends, and the client hears it. For a session not (yet) matched here: that match will be
   * refused and its early frames dropped; if it was undone ({@code matchFailed}) while this socket searched with no join in flight,
   * the store no longer has it queued, so it searches again.
   */
  public List<CallAction> peerDisconnected(String sessionId, boolean matchFailed, String frame) {
    if (isCurrent(sessionId)) {
      endLocally();
      return List.of(CallAction.send(frame, sessionId, "peer left"));
    }
    if (sessionId == null) return List.of();
    search.undone(sessionId);
    early.drop(sessionId);
    boolean rejoin = matchFailed && phase == QUEUED && !search.joining();
    return rejoin ? List.of(CallAction.REJOIN) : List.of();
  }

  /** The store kept a call from the user's lost socket: this socket may resume it (or must end it before searching). */
  public void resumable(String sessionId) {
    if (phase == IDLE) search.keep(sessionId);
  }

  /** resume: only a socket with no call and not searching may ask the store for a call back. */
  public List<CallAction> resume(String sessionId) {
    if (phase == IN_CALL || phase == QUEUED) return List.of(CallAction.fail(ErrorCode.IN_SESSION));
    if (phase == CLOSED) return List.of(CallAction.fail(ErrorCode.GONE));
    return List.of(CallAction.requestResume(sessionId));
  }

  /** The store gave the call back; nothing happens when the socket can no longer take it (it closed, or began something else). */
  public List<CallAction> resumed(MatchInfo m, boolean strangerAway, long epoch) {
    if (phase != IDLE && phase != ENDED) return List.of();
    moveTo(IN_CALL);
    stranger.meet(m, strangerAway, epoch);
    search.keep(null);
    return List.of(CallAction.resumed(m));
  }

  /** The store could not give the call back (it is over, or did not answer): nothing to resume any more. */
  public List<CallAction> resumeRefused(TandemException failure) {
    search.keep(null);
    return List.of(CallAction.fail(failure));
  }

  /** peer-reconnecting for the current call: the stranger is away (the frame is written); older notices are ignored. */
  public List<CallAction> peerReconnecting(String sessionId, long epoch, String frame) {
    if (!isCurrent(sessionId) || !stranger.leaves(epoch)) return List.of();
    return List.of(CallAction.send(frame, sessionId, "peer reconnecting"));
  }

  /** peer-resumed for the current call: relays go to the stranger's new socket from now on. */
  public List<CallAction> peerResumed(String sessionId, long epoch, String peerNode, String peerConn, String frame) {
    if (!isCurrent(sessionId) || !stranger.returns(epoch, peerNode, peerConn)) return List.of();
    return List.of(CallAction.send(frame, sessionId, "peer resumed"));
  }

  /** end-call: only the current call (NOT_IN_SESSION otherwise) is ended in the store. */
  public List<CallAction> endCall(String sessionId) {
    return isCurrent(sessionId) ? List.of(CallAction.requestEnd(stranger.match())) : List.of(CallAction.fail(ErrorCode.NOT_IN_SESSION));
  }

  /** The store answered end-call for {@code m}: when it no longer had the session ({@code !storeToldPeer}), the socket tells the peer. */
  public List<CallAction> endedByUser(MatchInfo m, boolean storeToldPeer, String frame) {
    endLocally();
    return storeToldPeer ? List.of(CallAction.send(frame)) : List.of(CallAction.tellPeerLeft(m), CallAction.send(frame));
  }

  /** The socket closed; returns the call it was in (its peer must hear), or null. */
  public MatchInfo close() {
    MatchInfo inCall = phase == IN_CALL ? stranger.match() : null;
    if (phase != CLOSED) moveTo(CLOSED);
    stranger.part();
    early.clear();
    return inCall;
  }

  /** The current call, or NOT_IN_SESSION when {@code sessionId} is not it. */
  public MatchInfo current(String sessionId) {
    if (!isCurrent(sessionId)) throw new TandemException(ErrorCode.NOT_IN_SESSION);
    return stranger.match();
  }

  /** The device to report for {@code sessionId}: only the current or last stranger. */
  public String reportTarget(String sessionId) {
    return stranger.reportTarget(sessionId);
  }

  /** The stranger of the current call is reconnecting (relays to them are dropped, chat refused). */
  public boolean peerAway() {
    return phase == IN_CALL && stranger.away();
  }

  public CallPhase phase() {
    return phase;
  }

  /** Searching (stats pushes, queued replies, rejoins). */
  public boolean searching() {
    return phase == QUEUED;
  }

  public boolean joining() {
    return search.joining();
  }

  /** What the search asks for (interests and languages of the last join-queue). */
  public Wishes wishes() {
    return search.wishes();
  }

  /** Frames kept for a match that has not arrived. */
  int earlyFrames() {
    return early.size();
  }

  private boolean isCurrent(String sessionId) {
    return phase == IN_CALL && stranger.isCurrent(sessionId);
  }

  /** Only a searching socket takes a match (one that left, gave up or is in another call refuses it). */
  private Verdict offer(MatchInfo m) {
    if (isCurrent(m.sessionId())) return Verdict.DUPLICATE;
    if (phase != QUEUED || search.wasUndone(m.sessionId())) return Verdict.REFUSE;
    moveTo(IN_CALL);
    stranger.meet(m, false, 0);
    return Verdict.ACCEPT;
  }

  private void addMatched(List<CallAction> out, MatchInfo m, long now) {
    out.add(CallAction.matched(m));
    early.take(m.sessionId(), now).forEach(f -> out.add(CallAction.send(f)));
  }

  private void endLocally() {
    if (phase == IN_CALL) moveTo(ENDED);
    stranger.part();
  }

  private void moveTo(CallPhase next) {
    if (!phase.canGo(next)) throw new IllegalStateException("call state cannot go from " + phase + " to " + next);
    phase = next;
  }
}
