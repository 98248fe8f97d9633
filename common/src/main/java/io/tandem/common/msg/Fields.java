package io.tandem.common.msg;

import io.tandem.common.TandemException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Reading required and optional fields of JSON bodies, failing with a message naming the field. */
public final class Fields {
  private Fields() {}

  /** The object itself, or a failure when the body is not a JSON object. */
  public static JsonObject object(Object body, String what) {
    if (body instanceof JsonObject o) return o;
    throw TandemException.field(what, "must be a JSON object");
  }

  /** A required non-blank string. */
  public static String str(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) throw TandemException.field(field, "is required (a non-empty string)");
    return s;
  }

  /** A required non-blank string of at most max characters. */
  public static String str(JsonObject o, String field, int max) {
    String s = str(o, field);
    if (s.length() > max) throw TandemException.field(field, "is longer than " + max + " characters");
    return s;
  }

  /** An optional string, or null. */
  public static String optStr(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) return null;
    if (!(v instanceof String s)) throw TandemException.field(field, "must be a string");
    return s;
  }

  /** A required JSON object. */
  public static JsonObject obj(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (!(v instanceof JsonObject j)) throw TandemException.field(field, "is required (an object)");
    return j;
  }

  /** An optional array, or an empty one. */
  public static JsonArray optArray(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v == null) return new JsonArray();
    if (!(v instanceof JsonArray a)) throw TandemException.field(field, "must be an array");
    return a;
  }

  /** An optional whole number from 0 to {@code max}, or 0 when absent. */
  public static long optCount(JsonObject o, String field, long max) {
    Object v = o.getValue(field);
    if (v == null) return 0;
    if (!(v instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue()) || n.longValue() < 0 || n.longValue() > max) {
      throw TandemException.field(field, "must be a whole number from 0 to " + max);
    }
    return n.longValue();
  }
}
