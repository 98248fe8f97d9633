package io.tandem.gateway.protocol;

import io.tandem.gateway.GatewayMetrics;

import io.tandem.common.Failures;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.vertx.core.json.JsonObject;

/** Encodes server→client frames. */
public final class ServerFrames {
  private ServerFrames() {}

  public static String of(MessageType type, JsonObject data) {
    return new JsonObject().put("type", type.wire).put("data", data).encode();
  }

  /** Wire-name variant, for frames relayed from other nodes (already validated there). */
  public static String of(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("data", data).encode();
  }

  /** An {@code error} frame; {@code ref} is the type of the frame that caused it, or null. */
  public static String error(Throwable failure, MessageType ref) {
    TandemException te = Failures.map(failure);
    GatewayMetrics.error(te.code());
    JsonObject data = Failures.body(te);
    if (ref != null) data.put("ref", ref.wire);
    return of(MessageType.ERROR, data);
  }
}
