package io.tandem.common;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed hashes (HMAC-SHA256) for identifiers that must not be kept in the clear: device ids, IPs.
 * Every service must hash with the same secret (blocks and rate limits are keyed by these hashes).
 * <p>
 * The rule (docs/safety.md): with {@code HASH_SECRET} set, that secret is used, unchanged; it is
 * required when {@code TANDEM_ENV=production}. Unset (local runs), one secret is shared through
 * Redis ({@link RedisKeys#HASH_SECRET}) and {@link #sync} checks it every {@link #SYNC_INTERVAL_MS}:
 * a running service restores the secret it holds when Redis lost it, and adopts the one in Redis
 * when it differs (WARN and {@code tandem_hash_secret_changes_total}), so all services agree again
 * within about a second after Redis restarts empty, also those started after the loss. The same rule
 * shares auth-service's proof-of-work challenge key ({@code POW_SECRET}, {@link RedisKeys#POW_SECRET}).
 */
public final class Hashing {
  private static final Logger LOG = LoggerFactory.getLogger(Hashing.class);
  /** Bytes of the hash kept (128 bits). */
  public static final int HASH_BYTES = 16;
  /** Shortest secret accepted, bytes. */
  public static final int SECRET_MIN_BYTES = 16;
  /** Random bytes of a secret created for Redis when none is configured. */
  public static final int GENERATED_SECRET_BYTES = 32;
  /** How often a secret shared through Redis is checked (restored when lost, adopted when changed), ms. */
  public static final long SYNC_INTERVAL_MS = 1_000;
  /** {@code TANDEM_ENV} value that makes {@code HASH_SECRET} mandatory. */
  public static final String PRODUCTION = "production";
  /** The setting of the keyed-hash secret (device ids, IPs). */
  public static final String HASH_SECRET = "HASH_SECRET";

  private final boolean shared;
  private final String setting;
  private final String redisKey;
  private final Counter changes;
  private volatile String secret;

  /** A fixed secret (configured {@code HASH_SECRET}). */
  public Hashing(byte[] secret) {
    this(new String(secret, StandardCharsets.UTF_8), false, HASH_SECRET, RedisKeys.HASH_SECRET);
  }

  /**
   * A keyed hash under {@code setting} (its name in messages and the {@code secret} tag of
   * {@code tandem_hash_secret_changes_total}), shared through {@code redisKey} when {@code shared}.
   */
  private Hashing(String secret, boolean shared, String setting, String redisKey) {
    check(secret, setting);
    this.secret = secret;
    this.shared = shared;
    this.setting = setting;
    this.redisKey = redisKey;
    this.changes = Counter.builder("tandem_hash_secret_changes_total").tag("secret", setting)
        .description("times this service adopted a different shared secret from Redis").register(Telemetry.registry());
  }

  private static void check(String secret, String setting) {
    if (secret.getBytes(StandardCharsets.UTF_8).length < SECRET_MIN_BYTES) {
      throw new IllegalArgumentException(setting + " must be at least " + SECRET_MIN_BYTES + " bytes");
    }
  }

  /** base64url of the truncated HMAC-SHA256 of {@code value}. */
  public String hash(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] h = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(h, HASH_BYTES));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** True when the secret is shared through Redis (not configured) and must be kept in step. */
  public boolean shared() {
    return shared;
  }

  /**
   * One check of a Redis-shared secret: restores this service's secret when Redis has none, adopts
   * Redis's when it differs. True when this service's secret changed. A configured secret never changes.
   */
  public Future<Boolean> sync(Redis redis) {
    if (!shared) return Future.succeededFuture(false);
    String mine = secret;
    return RedisScript.HASH_SECRET.runOn(redis, List.of(redisKey), mine).map(r -> {
      String current = r.toString();
      if (current.equals(mine)) return false;
      check(current, setting);
      secret = current;
      changes.increment();
      LOG.warn("the shared secret {} in Redis differs from this service's (Redis lost its data?): adopted it;"
          + " hashes and signatures made before no longer match (set {} to avoid this)", redisKey, setting);
      return true;
    });
  }

  /**
   * The configured secret ({@code HASH_SECRET}, null when unset), checked: at least
   * {@link #SECRET_MIN_BYTES}, and required when {@code tandemEnv} ({@code TANDEM_ENV}) is
   * {@value #PRODUCTION}. Each service reads both variables itself (the deploy checks see who reads what).
   */
  public static String configured(String hashSecret, String tandemEnv) {
    return configured(HASH_SECRET, hashSecret, tandemEnv);
  }

  /** The same rule for any secret shared this way ({@code setting} names it in errors). */
  public static String configured(String setting, String value, String tandemEnv) {
    String s = value == null || value.isBlank() ? null : value;
    if (s == null && production(tandemEnv)) {
      throw new IllegalArgumentException(setting + " is required when TANDEM_ENV=production (every replica must share it)");
    }
    if (s != null) check(s, setting);
    return s;
  }

  /** True when {@code tandemEnv} ({@code TANDEM_ENV}) is {@value #PRODUCTION}. */
  public static boolean production(String tandemEnv) {
    return PRODUCTION.equalsIgnoreCase(tandemEnv == null ? "" : tandemEnv.trim());
  }

  /**
   * The configured secret, or else the one shared by every replica through Redis (created once
   * when Redis has none), so hashes agree across services and restarts; keep the latter in step
   * with {@link HashSecretVerticle}.
   */
  public static Future<Hashing> resolve(Redis redis, String configured) {
    return resolve(redis, configured, HASH_SECRET, RedisKeys.HASH_SECRET);
  }

  /** The same for another secret: {@code setting}'s configured value, or else the one shared through {@code redisKey}. */
  public static Future<Hashing> resolve(Redis redis, String configured, String setting, String redisKey) {
    if (configured != null) return Future.succeededFuture(new Hashing(configured, false, setting, redisKey));
    String candidate = Ids.random("", GENERATED_SECRET_BYTES);
    return RedisScript.HASH_SECRET.runOn(redis, List.of(redisKey), candidate)
        .map(r -> new Hashing(r.toString(), true, setting, redisKey));
  }
}
