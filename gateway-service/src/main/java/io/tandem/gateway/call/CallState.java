package io.tandem.gateway.call;

import static io.tandem.gateway.call.CallPhase.CLOSED;
import static io.tandem.gateway.call.CallPhase.ENDED;
import static io.tandem.gateway.call.CallPhase.IDLE;
import static io.tandem.gateway.call.CallPhase.IN_CALL;
import static io.tandem.gateway.call.CallPhase.QUEUED;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.MatchInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * One socket's call state, with no I/O: each event (a frame, a reply, a delivery) changes it and
 * returns the {@link CallAction}s to carry out. Every phase change is checked against
 * {@link CallPhase#canGo}. Times are passed in (ms), so a test drives it frame by frame.
 */
public final class CallState {
  private enum Verdict { ACCEPT, DUPLICATE, REFUSE }

  private final EarlyRelays early;
  private CallPhase phase = IDLE;
  private MatchInfo match;
  private String lastSessionId;
  private String lastPeerId;
  private String lastPeerDevice;
  /** A session whose end arrived before its match (the peer vanished while being matched). */
  private String endedBeforeMatch;
  /** A join is waiting for its reply (that reply decides the phase). */
  private boolean joining;
  /** Interests of the last join (a failed match searches again with them). */
  private List<String> interests = List.of();
  /** A call kept in grace from the user's lost socket, which this socket may resume (or must end before searching). */
  private String resumable;
  /** The stranger's socket was lost; the call waits for them to resume. */
  private boolean peerAway;
  /** Newest grace/resume notice seen for the current call (older ones arrive late and are ignored). */
  private long peerEpoch;

  public CallState() {
    this(new EarlyRelays());
  }

  CallState(EarlyRelays early) {
    this.early = early;
  }

  // ---- join-queue / leave-queue ----

  /** join-queue: refused in a call, ignored once closed, otherwise searching (again). */
  public List<CallAction> join(List<String> wanted) {
    if (phase == CLOSED) return List.of();
    if (phase == IN_CALL) return List.of(CallAction.fail(ErrorCode.IN_SESSION));
    moveTo(QUEUED);
    interests = List.copyOf(wanted);
    joining = true;
    return List.of(CallAction.REQUEST_JOIN);
  }

  /** The matchmaker queued the user: say so (with counts) if still searching. */
  public List<CallAction> joinQueued() {
    joining = false;
    return phase == QUEUED ? List.of(CallAction.SEND_QUEUED_STATS) : List.of();
  }

  /**
   * The matchmaker matched the user at once. A match this socket cannot take while still searching
   * (its peer already left) means: search again. The same session twice is sent once; a socket
   * no longer searching (closed, or in another call) hears nothing.
   */
  public List<CallAction> joinMatched(MatchInfo m, long now) {
    joining = false;
    boolean wasSearching = phase == QUEUED;
    Verdict v = offer(m);
    List<CallAction> out = new ArrayList<>();
    if (v == Verdict.DUPLICATE || !wasSearching) return out;
    out.add(CallAction.SEND_QUEUED);
    if (v == Verdict.ACCEPT) addMatched(out, m, now);
    else if (phase == QUEUED) out.add(CallAction.REJOIN);
    return out;
  }

  /** The join failed or its reply never came: give it up in the store, unless a call began meanwhile. */
  public List<CallAction> joinFailed() {
    joining = false;
    if (phase == IN_CALL || phase == CLOSED) return List.of(CallAction.FAIL);
    if (phase != IDLE) moveTo(IDLE);
    return List.of(CallAction.ABANDON);
  }

  /**
   * The store gave the join up; {@code undone} is a session it undid that this socket never heard of
   * (or null). A join refused as in-session because of such a ghost is retried once.
   */
  public List<CallAction> abandoned(String undone, ErrorCode failure, boolean mayRetry) {
    if (undone != null) endedBeforeMatch = undone;
    boolean ghost = failure == ErrorCode.IN_SESSION && mayRetry && undone != null && phase != CLOSED;
    return List.of(ghost ? CallAction.REJOIN : CallAction.FAIL);
  }

  /** leave-queue: only a searching socket tells the matchmaker. */
  public List<CallAction> leave() {
    if (phase != QUEUED) return List.of();
    moveTo(IDLE);
    return List.of(CallAction.REQUEST_LEAVE);
  }

  // ---- deliveries ----

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
   * peer-disconnected. For this call: it ends, and the client hears it. For a session not (yet)
   * matched here: that match will be refused and its early frames are dropped; if it was undone
   * ({@code matchFailed}: reason {@code match-failed}) while this socket searched with no join in flight, the store no longer
   * has it queued, so it searches again.
   */
  public List<CallAction> peerDisconnected(String sessionId, boolean matchFailed, String frame) {
    if (isCurrent(sessionId)) {
      endLocally();
      return List.of(CallAction.send(frame));
    }
    if (sessionId == null) return List.of();
    endedBeforeMatch = sessionId;
    early.drop(sessionId);
    boolean rejoin = matchFailed && phase == QUEUED && !joining;
    return rejoin ? List.of(CallAction.REJOIN) : List.of();
  }

  // ---- resume ----

  /** The store kept a call from the user's lost socket: this socket may resume it (or must end it before searching). */
  public void resumable(String sessionId) {
    if (phase == IDLE) resumable = sessionId;
  }

  /** Takes the kept call to end before a join (null when none). */
  public String takeResumable() {
    String r = resumable;
    resumable = null;
    return r;
  }

  /** resume: only a socket with no call and not searching may take a call back. */
  public void checkResume() {
    if (phase == IN_CALL || phase == QUEUED) throw new TandemException(ErrorCode.IN_SESSION);
    if (phase == CLOSED) throw new TandemException(ErrorCode.GONE);
  }

  /**
   * The store gave the call back to this socket. False when the socket can no longer take it (it
   * closed, or began something else meanwhile); then nothing changed here.
   */
  public boolean resumed(MatchInfo m, boolean strangerAway, long epoch) {
    if (phase != IDLE && phase != ENDED) return false;
    moveTo(IN_CALL);
    match = m;
    lastSessionId = m.sessionId();
    lastPeerId = m.peerId();
    lastPeerDevice = m.peerDevice();
    resumable = null;
    peerAway = strangerAway;
    peerEpoch = epoch;
    return true;
  }

  /** The store could not give the call back (it is over): nothing to resume any more. */
  public void resumeRefused() {
    resumable = null;
  }

  /** peer-reconnecting for the current call: the stranger is away (the frame is written); older notices are ignored. */
  public List<CallAction> peerReconnecting(String sessionId, long epoch, String frame) {
    if (!isCurrent(sessionId) || (epoch > 0 && epoch <= peerEpoch) || (epoch == 0 && peerAway)) return List.of();
    peerAway = true;
    peerEpoch = Math.max(peerEpoch, epoch);
    return List.of(CallAction.send(frame));
  }

  /** peer-resumed for the current call: relays go to the stranger's new socket from now on. */
  public List<CallAction> peerResumed(String sessionId, long epoch, String peerNode, String peerConn, String frame) {
    if (!isCurrent(sessionId) || epoch <= peerEpoch) return List.of();
    peerEpoch = epoch;
    peerAway = false;
    match = new MatchInfo(match.sessionId(), match.peerId(), match.role(), match.peerName(), peerNode, peerConn,
        match.commonInterests(), match.peerDevice());
    return List.of(CallAction.send(frame));
  }

  /** The stranger of the current call is reconnecting (relays to them are dropped, chat refused). */
  public boolean peerAway() {
    return phase == IN_CALL && peerAway;
  }

  // ---- call control ----

  /** The current call, or NOT_IN_SESSION when {@code sessionId} is not it. */
  public MatchInfo current(String sessionId) {
    if (!isCurrent(sessionId)) throw new TandemException(ErrorCode.NOT_IN_SESSION);
    return match;
  }

  /**
   * The store answered end-call; {@code storeToldPeer} when it ended the session itself. True when
   * the socket must tell the peer (the store no longer had the session).
   */
  public boolean endedByUser(boolean storeToldPeer) {
    endLocally();
    return !storeToldPeer;
  }

  /** The device to report for {@code sessionId}: only the current or last stranger. */
  public String reportTarget(String sessionId) {
    if (sessionId == null || !sessionId.equals(lastSessionId)) {
      throw new TandemException(ErrorCode.NOT_IN_SESSION, "You can only report your current or last stranger");
    }
    return lastPeerDevice;
  }

  /** The socket closed; returns the call it was in (its peer must hear), or null. */
  public MatchInfo close() {
    MatchInfo inCall = phase == IN_CALL ? match : null;
    if (phase != CLOSED) moveTo(CLOSED);
    early.clear();
    return inCall;
  }

  // ---- reading ----

  public CallPhase phase() {
    return phase;
  }

  /** Searching (stats pushes, queued replies, rejoins). */
  public boolean searching() {
    return phase == QUEUED;
  }

  public boolean joining() {
    return joining;
  }

  public List<String> interests() {
    return interests;
  }

  public String lastSessionId() {
    return lastSessionId;
  }

  public String lastPeerId() {
    return lastPeerId;
  }

  /** Frames kept for a match that has not arrived. */
  int earlyFrames() {
    return early.size();
  }

  // ---- internals ----

  private boolean isCurrent(String sessionId) {
    return phase == IN_CALL && match != null && match.sessionId().equals(sessionId);
  }

  /** Only a searching socket takes a match (one that left, gave up or is in another call refuses it). */
  private Verdict offer(MatchInfo m) {
    if (isCurrent(m.sessionId())) return Verdict.DUPLICATE;
    if (phase != QUEUED || m.sessionId().equals(endedBeforeMatch)) return Verdict.REFUSE;
    moveTo(IN_CALL);
    match = m;
    lastSessionId = m.sessionId();
    lastPeerId = m.peerId();
    lastPeerDevice = m.peerDevice();
    return Verdict.ACCEPT;
  }

  private void addMatched(List<CallAction> out, MatchInfo m, long now) {
    out.add(CallAction.matched(m));
    early.take(m.sessionId(), now).forEach(f -> out.add(CallAction.send(f)));
  }

  private void endLocally() {
    if (phase == IN_CALL) moveTo(ENDED);
    match = null;
    peerAway = false;
    peerEpoch = 0;
  }

  private void moveTo(CallPhase next) {
    if (!phase.canGo(next)) throw new IllegalStateException("call state cannot go from " + phase + " to " + next);
    phase = next;
  }
}
