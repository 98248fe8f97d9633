package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/** One user's socket: who (token subject), which socket, on which gateway node. */
public record UserRef(String userId, String connId, String node) {
  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("connId", connId).put("node", node);
  }

  public static UserRef fromJson(JsonObject o) {
    return new UserRef(Fields.str(o, "userId"), Fields.str(o, "connId"), Fields.str(o, "node"));
  }
}
