package io.tandem.common.msg;

import io.tandem.common.Languages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Gateway → matchmaker: this socket joins the queue, with normalized interests and languages (absent = none). */
public record JoinRequest(UserRef user, Wishes wishes) {
  public JsonObject toJson() {
    return new JsonObject().put("user", user.toJson()).put("interests", new JsonArray(wishes.interests()))
        .put("languages", new JsonArray(wishes.languages()));
  }

  public static JoinRequest fromJson(JsonObject o) {
    List<String> interests = Fields.optArray(o, "interests").stream().map(String::valueOf).toList();
    List<String> languages = Languages.parse(o.getValue("languages"), "languages");
    return new JoinRequest(UserRef.fromJson(Fields.obj(o, "user")), new Wishes(interests, languages));
  }
}
