package io.tandem.common.store;

import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import java.util.List;

/**
 * A session just created by a pairing step: the caller (waited longer) and the callee; pending until confirmed.
 * {@code commonLanguage}: the language tag they share ("" when none).
 */
public record Pairing(String sessionId, UserRef caller, String callerName, UserRef callee, String calleeName,
                      List<String> commonInterests, long callerWaitMs, long calleeWaitMs, boolean relaxed,
                      String callerDevice, String calleeDevice, String commonLanguage) {
  /** The caller's view: its peer is the callee. */
  public MatchInfo forCaller() {
    return new MatchInfo(sessionId, callee.userId(), MatchInfo.CALLER, calleeName, callee.node(), callee.connId(), commonInterests, calleeDevice, commonLanguage);
  }

  /** The callee's view: its peer is the caller. */
  public MatchInfo forCallee() {
    return new MatchInfo(sessionId, caller.userId(), MatchInfo.CALLEE, callerName, caller.node(), caller.connId(), commonInterests, callerDevice, commonLanguage);
  }
}
