package io.tandem.common.store;

import io.vertx.core.json.JsonObject;

/** Presence counts. */
public record Stats(long online, long waiting) {
  /** {@code {"online", "waiting"}} as sent to clients. */
  public JsonObject toJson() {
    return new JsonObject().put("online", online).put("waiting", waiting);
  }
}
