package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/** One side's view of a new session: its peer and where the peer's socket lives. */
public record MatchInfo(String sessionId, String peerId, String role, String peerName, String peerNode, String peerConn) {
  /** The role of the user who waited longer; they create the WebRTC offer. */
  public static final String CALLER = "caller";
  /** The role of the newcomer; they answer. */
  public static final String CALLEE = "callee";

  public JsonObject toJson() {
    return new JsonObject().put("sessionId", sessionId).put("peerId", peerId).put("role", role)
        .put("peerName", peerName).put("peerNode", peerNode).put("peerConn", peerConn);
  }

  public static MatchInfo fromJson(JsonObject o) {
    return new MatchInfo(Fields.str(o, "sessionId"), Fields.str(o, "peerId"), Fields.str(o, "role"),
        Fields.str(o, "peerName"), Fields.str(o, "peerNode"), Fields.str(o, "peerConn"));
  }
}
