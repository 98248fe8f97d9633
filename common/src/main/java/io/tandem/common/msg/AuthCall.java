package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/** Gateway → auth service: an {@code /auth/*} HTTP call received on the gateway's origin. */
public record AuthCall(String method, String path, String body) {
  public JsonObject toJson() {
    return new JsonObject().put("method", method).put("path", path).put("body", body);
  }

  public static AuthCall fromJson(JsonObject o) {
    return new AuthCall(Fields.str(o, "method"), Fields.str(o, "path"), Fields.optStr(o, "body"));
  }
}
