package io.tandem.matchmaker;

import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.vertx.redis.client.Response;

/** A session just created by a pairing script: the caller (waited longer) and the callee. */
public record Pairing(String sessionId, UserRef caller, String callerName, UserRef callee, String calleeName) {
  /** Reads the 9 values sid, callerId, callerConn, callerNode, callerName, calleeId, calleeConn, calleeNode, calleeName. */
  static Pairing from(Response r, int at) {
    return new Pairing(r.get(at).toString(),
        new UserRef(r.get(at + 1).toString(), r.get(at + 2).toString(), r.get(at + 3).toString()), r.get(at + 4).toString(),
        new UserRef(r.get(at + 5).toString(), r.get(at + 6).toString(), r.get(at + 7).toString()), r.get(at + 8).toString());
  }

  /** Number of values one pairing takes in a script's answer. */
  static final int WIDTH = 9;

  /** The caller's view: its peer is the callee. */
  public MatchInfo forCaller() {
    return new MatchInfo(sessionId, callee.userId(), MatchInfo.CALLER, calleeName, callee.node(), callee.connId());
  }

  /** The callee's view: its peer is the caller. */
  public MatchInfo forCallee() {
    return new MatchInfo(sessionId, caller.userId(), MatchInfo.CALLEE, callerName, caller.node(), caller.connId());
  }
}
