package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → chat service: relay a chat text from {@code from} (whose display name comes from its
 * token) to its peer in {@code sessionId}. The gateway has checked the sender is in that session.
 */
public record ChatRequest(String sessionId, String fromId, String fromName, String text, UserRef peer) {
  public JsonObject toJson() {
    return new JsonObject().put("sessionId", sessionId).put("fromId", fromId).put("fromName", fromName)
        .put("text", text).put("peer", peer.toJson());
  }

  public static ChatRequest fromJson(JsonObject o) {
    Object text = o.getValue("text");
    return new ChatRequest(Fields.str(o, "sessionId"), Fields.str(o, "fromId"), Fields.str(o, "fromName"),
        text instanceof String s ? s : "", UserRef.fromJson(Fields.obj(o, "peer")));
  }
}
