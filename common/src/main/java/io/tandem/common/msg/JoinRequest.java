package io.tandem.common.msg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Gateway → matchmaker: this socket joins the queue, with normalized interests. */
public record JoinRequest(UserRef user, List<String> interests) {
  public JsonObject toJson() {
    return new JsonObject().put("user", user.toJson()).put("interests", new JsonArray(List.copyOf(interests)));
  }

  public static JoinRequest fromJson(JsonObject o) {
    List<String> interests = Fields.optArray(o, "interests").stream().map(String::valueOf).toList();
    return new JoinRequest(UserRef.fromJson(Fields.obj(o, "user")), interests);
  }
}
