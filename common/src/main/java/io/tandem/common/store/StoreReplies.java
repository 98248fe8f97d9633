package io.tandem.common.store;

import io.tandem.common.msg.UserRef;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the scripts' JSON answers into records, by field name. (Lua's cjson writes an empty table
 * as {@code {}}, so a list may arrive as an empty object.)
 */
final class StoreReplies {
  private StoreReplies() {}

  static JsonObject json(Response r) {
    return r == null ? new JsonObject() : new JsonObject(r.toString());
  }

  static List<JsonObject> list(JsonObject o, String field) {
    Object v = o.getValue(field);
    List<JsonObject> out = new ArrayList<>();
    if (v instanceof JsonArray a) for (int i = 0; i < a.size(); i++) out.add(a.getJsonObject(i));
    return out;
  }

  static List<String> strings(JsonObject o, String field) {
    Object v = o.getValue(field);
    List<String> out = new ArrayList<>();
    if (v instanceof JsonArray a) for (int i = 0; i < a.size(); i++) out.add(a.getString(i));
    return out;
  }

  /** {id, node, conn} → UserRef, or null when absent. */
  static UserRef ref(JsonObject o) {
    return o == null ? null : new UserRef(o.getString("id"), o.getString("conn", ""), o.getString("node", ""));
  }

  /** {sid, peer} → EndedCall, or null when absent. */
  static EndedCall ended(JsonObject o) {
    return o == null ? null : new EndedCall(o.getString("sid"), ref(o.getJsonObject("peer")));
  }

  /** {sid, peer, graceMs, epoch} → Graced, or null when absent. */
  static Graced graced(JsonObject o) {
    return o == null ? null : new Graced(o.getString("sid"), ref(o.getJsonObject("peer")), o.getLong("graceMs", 0L), o.getLong("epoch", 0L));
  }

  /** {sid, users} → Undone. */
  static Undone undone(JsonObject o) {
    return new Undone(o.getString("sid"), list(o, "users").stream().map(StoreReplies::ref).toList());
  }

  /** The object pair() writes → Pairing. */
  static Pairing pairing(JsonObject p) {
    JsonObject a = p.getJsonObject("caller");
    JsonObject b = p.getJsonObject("callee");
    return new Pairing(p.getString("sid"), ref(a), a.getString("name", ""), ref(b), b.getString("name", ""),
        strings(p, "common"), a.getLong("waitMs", 0L), b.getLong("waitMs", 0L), p.getBoolean("relaxed", false),
        a.getString("dev", ""), b.getString("dev", ""), p.getString("lang", ""));
  }
}
