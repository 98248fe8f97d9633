package io.tandem.auth;

import io.tandem.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Refresh tokens in Redis, stored under the SHA-256 of the token (a leaked dump reveals no usable
 * token). Single use: {@link #consume} reads and deletes atomically (GETDEL).
 */
public final class RefreshStore {
  private final Redis redis;
  private final int ttlSeconds;

  public RefreshStore(Redis redis, int ttlSeconds) {
    this.redis = redis;
    this.ttlSeconds = ttlSeconds;
  }

  /** Stores the claims a refresh token stands for; succeeds when written. */
  public Future<Void> save(String token, JsonObject claims) {
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.refreshToken(sha256(token)))
        .arg(claims.encode()).arg("EX").arg(ttlSeconds)).mapEmpty();
  }

  /** The claims of a live token, deleting it; null when unknown, spent or expired. */
  public Future<JsonObject> consume(String token) {
    return redis.send(Request.cmd(Command.GETDEL).arg(RedisKeys.refreshToken(sha256(token))))
        .map(r -> r == null ? null : new JsonObject(r.toString()));
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
