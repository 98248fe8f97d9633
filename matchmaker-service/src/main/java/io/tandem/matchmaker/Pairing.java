package io.tandem.matchmaker;

import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.tandem.common.Limits;
import io.vertx.redis.client.Response;
import java.util.List;

/** A session just created by a pairing script: the caller (waited longer) and the callee. */
public record Pairing(String sessionId, UserRef caller, String callerName, UserRef callee, String calleeName,
                      List<String> commonInterests, long callerWaitMs, long calleeWaitMs, boolean relaxed,
                      String callerDevice, String calleeDevice) {
  /**
   * Reads the 15 values of a pairing: sid, callerId, callerConn, callerNode, callerName, calleeId,
   * calleeConn, calleeNode, calleeName, commonInterests, callerWaitMs, calleeWaitMs, relaxed,
   * callerDevice, calleeDevice.
   */
  static Pairing from(Response r, int at) {
    String common = r.get(at + 9).toString();
    return new Pairing(r.get(at).toString(),
        new UserRef(r.get(at + 1).toString(), r.get(at + 2).toString(), r.get(at + 3).toString()), r.get(at + 4).toString(),
        new UserRef(r.get(at + 5).toString(), r.get(at + 6).toString(), r.get(at + 7).toString()), r.get(at + 8).toString(),
        common.isEmpty() ? List.of() : List.of(common.split(Limits.INTEREST_SEPARATOR)),
        r.get(at + 10).toLong(), r.get(at + 11).toLong(), r.get(at + 12).toInteger() == 1,
        r.get(at + 13).toString(), r.get(at + 14).toString());
  }

  /** Number of values one pairing takes in a script's answer. */
  static final int WIDTH = 15;

  /** The caller's view: its peer is the callee. */
  public MatchInfo forCaller() {
    return new MatchInfo(sessionId, callee.userId(), MatchInfo.CALLER, calleeName, callee.node(), callee.connId(), commonInterests, calleeDevice);
  }

  /** The callee's view: its peer is the caller. */
  public MatchInfo forCallee() {
    return new MatchInfo(sessionId, caller.userId(), MatchInfo.CALLEE, callerName, caller.node(), caller.connId(), commonInterests, callerDevice);
  }
}
