package io.tandem.common;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
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
        .setMaxPoolSize(env.integer("REDIS_POOL_SIZE", 16, 1, 1024))
        .setMaxPoolWaiting(env.integer("REDIS_POOL_WAITING", 4096, 1, 1_000_000))
        .setMaxWaitingHandlers(env.integer("REDIS_MAX_WAITING_HANDLERS", 4096, 1, 1_000_000));
    Arrays.stream(url.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(options::addConnectionString);
    if (type == RedisClientType.SENTINEL) {
      options.setMasterName(env.str("REDIS_MASTER_NAME", "mymaster"));
    }
    return options;
  }

  public static Redis create(Vertx vertx, Env env) {
    return Redis.createClient(vertx, options(env));
  }
}
