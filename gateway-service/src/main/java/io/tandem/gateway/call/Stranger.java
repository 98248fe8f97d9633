package io.tandem.gateway.call;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.MatchInfo;

/**
 * Who the socket's stranger is: the current call's match (where relays go), the last stranger (who
 * may be reported), and whether the current one is reconnecting. Grace/resume notices carry an epoch
 * from the store; an older one arriving late is ignored (epoch 0: a direct notice from a gateway
 * that could not reach the store).
 */
final class Stranger {
  private MatchInfo match;
  private String lastSessionId;
  private String lastDevice;
  private boolean away;
  private long epoch;

  /** The current call's match, or null. */
  MatchInfo match() {
    return match;
  }

  /** Whether {@code sessionId} is the current call's. */
  boolean isCurrent(String sessionId) {
    return match != null && match.sessionId().equals(sessionId);
  }

  boolean away() {
    return away;
  }

  /** A new call (or one given back, with the stranger away or not as of {@code since}). */
  void meet(MatchInfo m, boolean strangerAway, long since) {
    match = m;
    lastSessionId = m.sessionId();
    lastDevice = m.peerDevice();
    away = strangerAway;
    epoch = since;
  }

  /** The call ended: the stranger can still be reported. */
  void part() {
    match = null;
    away = false;
    epoch = 0;
  }

  /** peer-reconnecting: true when it is news (the stranger is away from now on). */
  boolean leaves(long noticeEpoch) {
    if ((noticeEpoch > 0 && noticeEpoch <= epoch) || (noticeEpoch == 0 && away)) return false;
    away = true;
    epoch = Math.max(epoch, noticeEpoch);
    return true;
  }

  /** peer-resumed: true when it is news; relays go to the stranger's new socket from now on. */
  boolean returns(long noticeEpoch, String peerNode, String peerConn) {
    if (noticeEpoch <= epoch) return false;
    epoch = noticeEpoch;
    away = false;
    match = new MatchInfo(match.sessionId(), match.peerId(), match.role(), match.peerName(), peerNode, peerConn,
        match.commonInterests(), match.peerDevice(), match.commonLanguage());
    return true;
  }

  /** The device to report for {@code sessionId}: only the current or last stranger. */
  String reportTarget(String sessionId) {
    if (sessionId == null || !sessionId.equals(lastSessionId)) {
      throw new TandemException(ErrorCode.NOT_IN_SESSION, "You can only report your current or last stranger");
    }
    return lastDevice;
  }
}
