package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/** Auth service → gateway: the HTTP answer to an {@link AuthCall}. */
public record AuthAnswer(int status, JsonObject body, Integer retryAfterSeconds) {
  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("body", body).put("retryAfter", retryAfterSeconds);
  }

  public static AuthAnswer fromJson(JsonObject o) {
    return new AuthAnswer(o.getInteger("status", 500), Fields.obj(o, "body"), o.getInteger("retryAfter"));
  }
}
