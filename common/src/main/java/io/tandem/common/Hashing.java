package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Keyed hashes (HMAC-SHA256) for identifiers that must not be kept in the clear: device ids, IPs. */
public final class Hashing {
  /** Bytes of the hash kept (128 bits). */
  public static final int HASH_BYTES = 16;

  private final byte[] secret;

  public Hashing(byte[] secret) {
    if (secret.length < 16) throw new IllegalArgumentException("HASH_SECRET must be at least 16 bytes");
    this.secret = secret.clone();
  }

  /** base64url of the truncated HMAC-SHA256 of {@code value}. */
  public String hash(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] h = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, HASH_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The configured secret, or else one shared by every replica through Redis (created once with
   * SET NX), so hashes agree across services and restarts.
   */
  public static Future<Hashing> resolve(Redis redis, String configured) {
    if (configured != null) return Future.succeededFuture(new Hashing(configured.getBytes(StandardCharsets.UTF_8)));
    String candidate = Ids.random("", 32);
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.HASH_SECRET).arg(candidate).arg("NX"))
        .compose(r -> redis.send(Request.cmd(Command.GET).arg(RedisKeys.HASH_SECRET)))
        .map(r -> new Hashing(r.toString().getBytes(StandardCharsets.UTF_8)));
  }
}
