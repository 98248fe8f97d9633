package io.tandem.gateway.protocol;

import io.tandem.gateway.token.TokenVerifier;

import io.tandem.common.Languages;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.tandem.common.msg.Wishes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validation of each frame's data. Relayed payloads are rebuilt from known fields only, so nothing
 * a client invents (a fake {@code from}, extra fields) reaches the peer.
 */
public final class Payloads {
  /** Longest session id accepted. */
  public static final int SESSION_ID_MAX = 64;
  /** Longest sdpMid accepted. */
  public static final int SDP_MID_MAX = 64;
  /** Largest sdpMLineIndex accepted. */
  public static final int SDP_MLINE_MAX = 1024;
  /** Longest ICE usernameFragment accepted. */
  public static final int UFRAG_MAX = 256;
  /** Report reasons a client may give. */
  public static final Set<String> REPORT_REASONS = Set.of("harassment", "nudity", "spam", "underage", "other");

  private Payloads() {}

  public static String sessionId(JsonObject d) {
    return string(d, "sessionId", SESSION_ID_MAX);
  }

  /** An offer or answer description: {"type": expectedType, "sdp"}. */
  public static JsonObject description(JsonObject d, String field, String expectedType) {
    if (!(d.getValue(field) instanceof JsonObject desc)) throw TandemException.field(field, "is required (an object)");
    if (!expectedType.equals(desc.getValue("type"))) throw TandemException.field(field + ".type", "must be \"" + expectedType + "\"");
    String sdp = string(desc, "sdp", Limits.SDP_MAX_CHARS);
    return new JsonObject().put("type", expectedType).put("sdp", sdp);
  }

  /** An RTCIceCandidateInit; the candidate string may be empty (end of candidates). */
  public static JsonObject candidate(JsonObject d) {
    if (!(d.getValue("candidate") instanceof JsonObject c)) throw TandemException.field("candidate", "is required (an object)");
    Object cand = c.getValue("candidate");
    if (!(cand instanceof String s) || s.length() > Limits.CANDIDATE_MAX_CHARS) {
      throw TandemException.field("candidate.candidate", "must be a string of at most " + Limits.CANDIDATE_MAX_CHARS + " characters");
    }
    JsonObject out = new JsonObject().put("candidate", s);
    Object mid = c.getValue("sdpMid");
    if (mid != null) {
      if (!(mid instanceof String m) || m.length() > SDP_MID_MAX) throw TandemException.field("candidate.sdpMid", "must be a short string or null");
      out.put("sdpMid", m);
    }
    Object idx = c.getValue("sdpMLineIndex");
    if (idx != null) {
      if (!(idx instanceof Integer i) || i < 0 || i > SDP_MLINE_MAX) throw TandemException.field("candidate.sdpMLineIndex", "must be a small non-negative integer or null");
      out.put("sdpMLineIndex", i);
    }
    Object ufrag = c.getValue("usernameFragment");
    if (ufrag != null) {
      if (!(ufrag instanceof String u) || u.length() > UFRAG_MAX) throw TandemException.field("candidate.usernameFragment", "must be a short string or null");
      out.put("usernameFragment", u);
    }
    return out;
  }

  /** Raw chat text (the chat service trims, cleans and bounds it). */
  public static String chatText(JsonObject d) {
    if (!(d.getValue("message") instanceof String s)) throw TandemException.field("message", "is required (a string)");
    return s;
  }

  /** Interests: at most 10 strings, trimmed, lower-cased, 1-32 characters, duplicates dropped. */
  public static List<String> interests(JsonObject d) {
    Object v = d.getValue("interests");
    if (v == null) return List.of();
    if (!(v instanceof JsonArray a)) throw TandemException.field("interests", "must be an array of strings");
    if (a.size() > Limits.INTERESTS_MAX) throw TandemException.field("interests", "has more than " + Limits.INTERESTS_MAX + " entries");
    Set<String> out = new LinkedHashSet<>();
    for (Object o : a) {
      if (!(o instanceof String s)) throw TandemException.field("interests", "must be an array of strings");
      String n = s.strip().toLowerCase(Locale.ROOT);
      if (n.isEmpty() || n.length() > Limits.INTEREST_MAX_CHARS || n.codePoints().anyMatch(Character::isISOControl)) {
        throw TandemException.field("interests", "entries must be 1-" + Limits.INTEREST_MAX_CHARS + " printable characters");
      }
      out.add(n);
    }
    return new ArrayList<>(out);
  }

  /** join-queue's wishes: {@link #interests} and {@code languages} (validated by {@link Languages#parse}; absent → {@code signedIn}). */
  public static Wishes wishes(JsonObject d, List<String> signedIn) {
    List<String> languages = d.getValue("languages") == null ? signedIn : Languages.parse(d.getValue("languages"), "languages");
    return new Wishes(interests(d), languages);
  }

  public static String reportReason(JsonObject d) {
    String r = string(d, "reason", 32);
    if (!REPORT_REASONS.contains(r)) throw TandemException.field("reason", "must be one of " + String.join(", ", REPORT_REASONS.stream().sorted().toList()));
    return r;
  }

  public static String accessToken(JsonObject d) {
    return string(d, "accessToken", TokenVerifier.TOKEN_MAX_CHARS);
  }

  private static String string(JsonObject d, String field, int max) {
    Object v = d.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) throw TandemException.field(field, "is required (a non-empty string)");
    if (s.length() > max) throw TandemException.field(field, "is longer than " + max + " characters");
    return s;
  }
}
