package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * Anything → a gateway node: write a frame to one socket. {@code type} is a server→client
 * {@link io.tandem.common.MessageType} wire name, or {@link #KICK} / {@link #MATCH} (internal).
 * {@code data} is the frame's data, or for MATCH a {@link MatchInfo}.
 */
public record Delivery(String userId, String connId, String type, JsonObject data) {
  /** Internal type: close this socket, a newer one of the same user replaced it. */
  public static final String KICK = "kick";
  /** Internal type: the user was matched (data is a MatchInfo); the gateway replies when applied. */
  public static final String MATCH = "match";

  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("connId", connId).put("type", type).put("data", data);
  }

  public static Delivery fromJson(JsonObject o) {
    JsonObject data = o.getValue("data") instanceof JsonObject j ? j : new JsonObject();
    return new Delivery(Fields.str(o, "userId"), Fields.str(o, "connId"), Fields.str(o, "type"), data);
  }
}
