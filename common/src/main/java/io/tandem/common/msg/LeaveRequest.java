package io.tandem.common.msg;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → matchmaker: this socket leaves the queue. The body is the {@link UserRef}'s fields and,
 * for a leave from the overflow partition, the socket's {@code fence} (joins fenced with it or an
 * earlier one are refused from then on; 0 or absent = none).
 */
public record LeaveRequest(UserRef user, long fence) {
  public JsonObject toJson() {
    JsonObject o = user.toJson();
    return fence > 0 ? o.put("fence", fence) : o;
  }

  public static LeaveRequest fromJson(JsonObject o) {
    return new LeaveRequest(UserRef.fromJson(o), Fields.optCount(o, "fence", JoinRequest.FENCE_MAX));
  }
}
