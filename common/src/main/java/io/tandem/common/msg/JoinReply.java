package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/** Matchmaker → gateway: the joiner is waiting, or matched at once (with its side of the session). */
public record JoinReply(boolean matched, MatchInfo match) {
  public static JoinReply queued() {
    return new JoinReply(false, null);
  }

  public static JoinReply matched(MatchInfo m) {
    return new JoinReply(true, m);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("status", matched ? "matched" : "queued");
    if (matched) o.put("match", match.toJson());
    return o;
  }

  public static JoinReply fromJson(JsonObject o) {
    String status = Fields.str(o, "status");
    return "matched".equals(status) ? matched(MatchInfo.fromJson(Fields.obj(o, "match"))) : queued();
  }
}
