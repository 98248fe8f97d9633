package io.tandem.common;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.Arrays;

/**
 * Builds the Redis client from configuration: {@code REDIS_URL} (comma-separated for Sentinel or
 * Cluster seeds), {@code REDIS_MODE} (standalone, sentinel, cluster), {@code REDIS_POOL_SIZE}.
 */
public final class RedisConnector {
  /** Used when {@code REDIS_URL} is unset (the launcher starts an embedded server instead). */
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  /** Default pooled connections per client ({@code REDIS_POOL_SIZE}). */
  public static final int DEFAULT_POOL_SIZE = 32;
  /** Default commands that may wait for a pooled connection ({@code REDIS_POOL_WAITING}); beyond it a command fails fast. */
  public static final int DEFAULT_POOL_WAITING = 100_000;

  private static final java.util.Map<Vertx, java.util.Map<String, Redis>> SHARED =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private RedisConnector() {}

  public static RedisOptions options(Env env) {
    String url = env.str("REDIS_URL", DEFAULT_URL);
    String mode = env.str("REDIS_MODE", "standalone").toUpperCase();
    RedisClientType type;
    try {
      type = RedisClientType.valueOf(mode);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("REDIS_MODE must be standalone, sentinel or cluster, got '" + mode + "'");
    }
    if (type == RedisClientType.REPLICATION) {
      throw new IllegalArgumentException("REDIS_MODE must be standalone, sentinel or cluster, got '" + mode + "'");
    }
    RedisOptions options = new RedisOptions().setType(type)
        .setMaxPoolSize(env.integer("REDIS_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 1024))
        .setMaxPoolWaiting(env.integer("REDIS_POOL_WAITING", DEFAULT_POOL_WAITING, 1, 10_000_000))
        .setMaxWaitingHandlers(env.integer("REDIS_MAX_WAITING_HANDLERS", DEFAULT_POOL_WAITING, 1, 10_000_000));
    Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(options::addConnectionString);
    if (type == RedisClientType.SENTINEL) {
      options.setMasterName(env.str("REDIS_MASTER_NAME", "mymaster"));
    }
    return options;
  }

  /** Default time a Redis command may take before it fails with {@code unavailable} ({@code REDIS_TIMEOUT_MS}). */
  public static final int DEFAULT_TIMEOUT_MS = 2000;

  /**
   * A client whose commands fail with {@code unavailable} after {@code REDIS_TIMEOUT_MS}; it also
   * becomes this process's "redis" readiness check (a PING).
   */
  public static Redis create(Vertx vertx, Env env) {
    RedisOptions options = options(env);
    int timeout = env.integer("REDIS_TIMEOUT_MS", DEFAULT_TIMEOUT_MS, 50, 600_000);
    // one client per process and configuration: the services of the launcher share it (one pool,
    // and Vert.x's per-client gauges are registered once instead of warning at every start)
    String key = options.toJson().encode() + "|" + timeout;
    Redis redis = SHARED.computeIfAbsent(vertx, v -> new java.util.concurrent.ConcurrentHashMap<>())
        .computeIfAbsent(key, k -> new TimedRedis(vertx, Redis.createClient(vertx, options), timeout));
    Health.register("redis", () -> redis.send(Request.cmd(Command.PING)));
    return redis;
  }
}
