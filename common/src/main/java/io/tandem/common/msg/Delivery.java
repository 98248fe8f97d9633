package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * Anything → a gateway node: write a frame to one socket. {@code type} is a server→client
 * {@link io.tandem.common.MessageType} wire name, or {@link #KICK} / {@link #MATCH} (internal).
 * {@code data} is the frame's data, or for MATCH a {@link MatchInfo}.
 */
public record Delivery(String userId, String connId, String type, JsonObject data, long sentAt) {
  /** A delivery without a relay timestamp. */
  public Delivery(String userId, String connId, String type, JsonObject data) {
    this(userId, connId, type, data, 0);
  }

  /** A relayed frame stamped now (the receiving gateway measures relay latency from it). */
  public static Delivery relay(String userId, String connId, String type, JsonObject data) {
    return new Delivery(userId, connId, type, data, System.currentTimeMillis());
  }

  /** Internal type: close this socket, a newer one of the same user replaced it. */
  public static final String KICK = "kick";
  /** Internal type: the user was matched (data is a MatchInfo); the gateway replies when applied. */
  public static final String MATCH = "match";

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("userId", userId).put("connId", connId).put("type", type).put("data", data);
    return sentAt > 0 ? o.put("sentAt", sentAt) : o;
  }

  public static Delivery fromJson(JsonObject o) {
    JsonObject data = o.getValue("data") instanceof JsonObject j ? j : new JsonObject();
    long sentAt = o.getValue("sentAt") instanceof Number n ? n.longValue() : 0;
    return new Delivery(Fields.str(o, "userId"), Fields.str(o, "connId"), Fields.str(o, "type"), data, sentAt);
  }
}
