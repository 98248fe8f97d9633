package io.tandem.common.msg;

import io.tandem.common.Languages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Gateway → matchmaker: this socket joins the queue, with normalized interests and languages (absent = none).
 *
 * @param fence the socket's fence for a join in the overflow partition (&gt; 0; 0 = not fenced: see {@code CallStore#join})
 */
public record JoinRequest(UserRef user, Wishes wishes, long fence) {
  /** Most a fence may be (it counts one socket's moves to the overflow). */
  public static final long FENCE_MAX = Long.MAX_VALUE / 2;

  /** An unfenced join (the user's own partition). */
  public JoinRequest(UserRef user, Wishes wishes) {
    this(user, wishes, 0);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("user", user.toJson()).put("interests", new JsonArray(wishes.interests()))
        .put("languages", new JsonArray(wishes.languages()));
    return fence > 0 ? o.put("fence", fence) : o;
  }

  public static JoinRequest fromJson(JsonObject o) {
    List<String> interests = Fields.optArray(o, "interests").stream().map(String::valueOf).toList();
    List<String> languages = Languages.parse(o.getValue("languages"), "languages");
    return new JoinRequest(UserRef.fromJson(Fields.obj(o, "user")), new Wishes(interests, languages), Fields.optCount(o, "fence", FENCE_MAX));
  }
}
