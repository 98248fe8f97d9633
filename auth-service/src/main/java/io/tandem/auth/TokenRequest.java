package io.tandem.auth;

import io.tandem.common.ErrorCode;
import io.tandem.common.Languages;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /auth/token} body. The age is required, checked and then forgotten; {@code pow}
 * is the proof-of-work solution, null when absent ({@link PowGuard} decides whether it is required); {@code languages} the
 * primary tags the person speaks (empty when not stated), carried in the token for matching.
 */
public record TokenRequest(String deviceId, String name, PowSolution pow, List<String> languages) {
  private static final Pattern DEVICE_ID = Pattern.compile(Limits.DEVICE_ID_PATTERN);

  /** Parses and validates; failures name the field (400, also for a missing or null age) or say {@code underage} (403). */
  public static TokenRequest parse(String body) {
    JsonObject o = json(body);
    Object dev = o.getValue("deviceId");
    if (!(dev instanceof String d) || d.isEmpty()) throw bad("deviceId is required");
    if (d.length() < Limits.DEVICE_ID_MIN || d.length() > Limits.DEVICE_ID_MAX || !DEVICE_ID.matcher(d).matches()) {
      throw bad("deviceId must be " + Limits.DEVICE_ID_MIN + "-" + Limits.DEVICE_ID_MAX + " characters of A-Z a-z 0-9 _ -");
    }
    String name = Limits.DEFAULT_NAME;
    Object n = o.getValue("name");
    if (n != null) {
      if (!(n instanceof String s)) throw bad("name must be a string");
      String clean = cleanName(s);
      if (clean.isEmpty() || clean.length() > Limits.NAME_MAX) throw bad("name must be 1-" + Limits.NAME_MAX + " characters");
      name = clean;
    }
    Object age = o.getValue("age");
    if (age == null) throw bad("age is required: your age in whole years (Tandem is " + Limits.MIN_AGE + "+ only)");
    if (!(age instanceof Number num) || num.doubleValue() != Math.floor(num.doubleValue())
        || num.longValue() < 0 || num.longValue() > Limits.MAX_AGE) {
      throw bad("age must be a whole number between 0 and " + Limits.MAX_AGE);
    }
    if (num.longValue() < Limits.MIN_AGE) throw new TandemException(ErrorCode.UNDERAGE);
    List<String> languages = Languages.parse(o.getValue("languages"), "languages");
    return new TokenRequest(d, name, PowSolution.from(o.getValue("pow")), languages);
  }

  /** Trims and removes control and format characters (no invisible or direction-changing names). */
  static String cleanName(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().filter(cp -> !Character.isISOControl(cp) && Character.getType(cp) != Character.FORMAT)
        .forEach(b::appendCodePoint);
    return b.toString().strip().replaceAll("\\s+", " ");
  }

  static JsonObject json(String body) {
    if (body == null || body.isBlank()) throw bad("body must be a JSON object");
    try {
      Object v = io.vertx.core.json.Json.decodeValue(body);
      if (v instanceof JsonObject o) return o;
    } catch (DecodeException e) {
      // fall through
    }
    throw bad("body must be a JSON object");
  }

  static TandemException bad(String message) {
    return new TandemException(ErrorCode.BAD_REQUEST, message);
  }
}
