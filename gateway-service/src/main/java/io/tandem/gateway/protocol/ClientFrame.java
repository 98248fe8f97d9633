package io.tandem.gateway.protocol;

import io.tandem.common.ErrorCode;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/** A parsed client→server frame: a known type and its data object (not yet validated per type). */
public record ClientFrame(MessageType type, JsonObject data) {
  /**
   * Parses one text frame. Fails with TOO_LARGE, INVALID_JSON or UNKNOWN_TYPE; {@code data} may be
   * omitted (treated as {}), but when present it must be an object.
   */
  public static ClientFrame parse(String text, int maxBytes) {
    if (text.length() > maxBytes) {
      throw new TandemException(ErrorCode.TOO_LARGE, "Frames are limited to " + maxBytes + " bytes");
    }
    Object v;
    try {
      v = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new TandemException(ErrorCode.INVALID_JSON);
    }
    if (!(v instanceof JsonObject o) || !(o.getValue("type") instanceof String typeName)) {
      throw new TandemException(ErrorCode.INVALID_JSON);
    }
    MessageType type = MessageType.clientType(typeName);
    if (type == null) throw new TandemException(ErrorCode.UNKNOWN_TYPE, "Unknown message type '" + abbreviate(typeName) + "'");
    Object data = o.getValue("data");
    if (data == null) return new ClientFrame(type, new JsonObject());
    if (!(data instanceof JsonObject d)) throw new TandemException(ErrorCode.INVALID_JSON, "data must be an object");
    return new ClientFrame(type, d);
  }

  private static String abbreviate(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "…";
  }
}
