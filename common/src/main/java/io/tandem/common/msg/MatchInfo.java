package io.tandem.common.msg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One side's view of a new session: its peer, where the peer's socket lives, and (internal, never
 * sent to a client) the peer's keyed device hash, which a report against the peer needs. {@code commonLanguage}: the primary language
 * tag both stated (the joiner's first shared one), or "" when they share none.
 */
public record MatchInfo(String sessionId, String peerId, String role, String peerName, String peerNode, String peerConn,
                        List<String> commonInterests, String peerDevice, String commonLanguage) {
  /** The role of the user who waited longer; they create the WebRTC offer. */
  public static final String CALLER = "caller";
  /** The role of the newcomer; they answer. */
  public static final String CALLEE = "callee";

  public JsonObject toJson() {
    return new JsonObject().put("sessionId", sessionId).put("peerId", peerId).put("role", role)
        .put("peerName", peerName).put("peerNode", peerNode).put("peerConn", peerConn)
        .put("commonInterests", new JsonArray(List.copyOf(commonInterests))).put("peerDevice", peerDevice)
        .put("commonLanguage", commonLanguage);
  }

  public static MatchInfo fromJson(JsonObject o) {
    return new MatchInfo(Fields.str(o, "sessionId"), Fields.str(o, "peerId"), Fields.str(o, "role"),
        Fields.optStr(o, "peerName") == null ? "" : o.getString("peerName"), Fields.str(o, "peerNode"), Fields.str(o, "peerConn"),
        Fields.optArray(o, "commonInterests").stream().map(String::valueOf).toList(),
        Fields.optStr(o, "peerDevice") == null ? "" : o.getString("peerDevice"),
        Fields.optStr(o, "commonLanguage") == null ? "" : o.getString("commonLanguage"));
  }
}
