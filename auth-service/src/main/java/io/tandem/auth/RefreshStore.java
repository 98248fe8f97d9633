package io.tandem.auth;

import io.tandem.common.Ids;
import io.tandem.common.RedisKeys;
import io.tandem.common.RedisScript;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refresh tokens in Redis, with rotation families (OAuth 2.0 Security BCP): a sign-in starts a
 * family; each refresh spends the presented token and issues the next one of the same family;
 * presenting a spent token revokes the whole family, so a stolen token is worth at most one use,
 * by the thief or by the owner, and the other side is locked out at its next refresh.
 * <p>
 * A token reads {@code r_<family>.<secret>}; Redis holds only the SHA-256 of the whole token, next
 * to its family (both hash-tagged with the family id, so each step is one atomic Lua script on one
 * slot). Every key expires with the newest token of its family.
 */
public final class RefreshStore {
  /** Random bytes of a family id. */
  public static final int FAMILY_BYTES = 12;
  /** Random bytes of a token's secret part. */
  public static final int SECRET_BYTES = 32;
  private static final String PREFIX = "r_";
  private static final Pattern SHAPE = Pattern.compile("r_([A-Za-z0-9_-]{16})\\.[A-Za-z0-9_-]{43}");

  private final Redis redis;
  private final int ttlSeconds;

  /** What presenting a refresh token did. */
  public enum Outcome {
    /** Spent; {@link Rotation#next()} replaces it. */
    ROTATED,
    /** Never issued, malformed, or expired. */
    UNKNOWN,
    /** Its family was revoked earlier. */
    REVOKED,
    /** It was spent already: its family is revoked now. */
    REUSED
  }

  /**
   * The result of {@link #rotate}.
   *
   * @param outcome what happened
   * @param family the family id (null when unknown)
   * @param claims sub, name, dev of the family (ROTATED); only sub (REUSED); else null
   * @param next the new refresh token (ROTATED), else null
   */
  public record Rotation(Outcome outcome, String family, JsonObject claims, String next) {}

  /**
   * A freshly issued refresh token.
   *
   * @param token the token to hand out
   * @param family its family id (also carried by the access token, claim {@code fam})
   */
  public record Issued(String token, String family) {}

  public RefreshStore(Redis redis, int ttlSeconds) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
  }

  /** Starts a family for claims sub, name, dev, langs; succeeds with its first token once written. */
  public Future<Issued> start(JsonObject claims) {
    String family = Ids.random("", FAMILY_BYTES);
    String token = token(family);
    return RedisScript.REFRESH_ISSUE.runOn(redis, List.of(RedisKeys.refreshFamily(family), key(family, token)),
            claims.getString("sub"), claims.getString("name"), claims.getString("dev"), ttlSeconds, claims.getString("langs", ""))
        .map(r -> new Issued(token, family));
  }

  /** Presents a token: rotates it, or detects its reuse and revokes its family (one atomic step). */
  public Future<Rotation> rotate(String token) {
    var m = token == null ? null : SHAPE.matcher(token);
    if (m == null || !m.matches()) return Future.succeededFuture(new Rotation(Outcome.UNKNOWN, null, null, null));
    String family = m.group(1);
    String next = token(family);
    return RedisScript.REFRESH_ROTATE.runOn(redis,
            List.of(RedisKeys.refreshFamily(family), key(family, token), key(family, next)), ttlSeconds)
        .map(r -> result(r, family, next));
  }

  private static Rotation result(Response r, String family, String next) {
    String status = r.get(0).toString();
    return switch (status) {
      case "ok" -> new Rotation(Outcome.ROTATED, family, new JsonObject().put("sub", r.get(1).toString())
          .put("name", r.get(2).toString()).put("dev", r.get(3).toString())
          .put("langs", r.size() > 4 && r.get(4) != null ? r.get(4).toString() : ""), next);
      case "reuse" -> new Rotation(Outcome.REUSED, family, new JsonObject().put("sub", r.get(1).toString()), null);
      case "revoked" -> new Rotation(Outcome.REVOKED, family, null, null);
      default -> new Rotation(Outcome.UNKNOWN, family, null, null);
    };
  }

  private static String token(String family) {
    return Ids.random(PREFIX + family + ".", SECRET_BYTES);
  }

  private static String key(String family, String token) {
    return RedisKeys.refreshToken(family, sha256(token));
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
