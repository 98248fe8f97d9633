package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → auth service: an {@code /auth/*} HTTP call received on the gateway's origin, with the
 * keyed hash of the caller's IP (for rate limits and network blocks; never the IP itself).
 */
public record AuthCall(String method, String path, String body, String ipHash) {
  public JsonObject toJson() {
    return new JsonObject().put("method", method).put("path", path).put("body", body).put("ipHash", ipHash);
  }

  public static AuthCall fromJson(JsonObject o) {
    return new AuthCall(Fields.str(o, "method"), Fields.str(o, "path"), Fields.optStr(o, "body"), Fields.optStr(o, "ipHash"));
  }
}
