package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Redis client from configuration (docs/production.md, "Redis"):
 * <ul>
 *   <li>{@code REDIS_URL}: {@code redis://[user:password@]host[:port][/db]}, {@code rediss://} for TLS;
 *       comma-separated for Sentinel or Cluster seeds ({@link RedisUrls} checks it);</li>
 *   <li>{@code REDIS_MODE}: standalone, sentinel ({@code REDIS_MASTER_NAME}) or cluster;</li>
 *   <li>{@code REDIS_USER}, {@code REDIS_PASSWORD} or {@code REDIS_PASSWORD_FILE}: credentials used
 *       where the URL carries none (a mounted secret file keeps the password out of the environment);</li>
 *   <li>{@code REDIS_TLS_CA_FILE}: PEM certificates to trust for {@code rediss://} (default: the JVM's);
 *       {@code REDIS_TLS_VERIFY_HOSTNAME} (default true);</li>
 *   <li>{@code REDIS_POOL_SIZE}, {@code REDIS_POOL_WAITING}, {@code REDIS_MAX_WAITING_HANDLERS}.</li>
 * </ul>
 * Passwords are never logged nor put in error messages.
 */
public final class RedisConnector {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);
  /** Used when {@code REDIS_URL} is unset (the launcher starts an embedded server instead). */
  public static final String DEFAULT_URL = "redis://127.0.0.1:6379";
  /** Default pooled connections per client ({@code REDIS_POOL_SIZE}). */
  public static final int DEFAULT_POOL_SIZE = 32;
  /** Default commands that may wait for a pooled connection ({@code REDIS_POOL_WAITING}); beyond it a command fails fast. */
  public static final int DEFAULT_POOL_WAITING = 100_000;
  /**
   * Default commands one pooled connection may have sent and not yet had answered
   * ({@code REDIS_MAX_WAITING_HANDLERS}); beyond it a command fails fast. The client allocates this many
   * slots per connection when it opens: at 100,000 (the former default) each connection held a 400 KB
   * array, ~26 MB for the ~66 connections a gateway's clients open under load — which the floors bench
   * counted as ~2.3 KiB of heap per idle socket, since the pools grew during its socket ramp.
   */
  public static final int DEFAULT_MAX_WAITING_HANDLERS = 4096;
  /** How long the start-up check waits for the first PING, seconds. */
  public static final int START_CHECK_SECONDS = 10;
  /** Redis error prefixes that mean the credentials are wrong or lack rights. */
  private static final List<String> AUTH_ERRORS = List.of("WRONGPASS", "NOAUTH", "NOPERM", "ERR AUTH", "ERR invalid password");

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
    List<RedisUrls.Entry> entries = RedisUrls.parse(url);
    if (type == RedisClientType.STANDALONE && entries.size() > 1) {
      throw new IllegalArgumentException("REDIS_URL has " + entries.size() + " entries but REDIS_MODE is standalone;"
          + " set REDIS_MODE=sentinel or cluster for seed lists");
    }
    RedisOptions options = new RedisOptions().setType(type)
        .setMaxPoolSize(env.integer("REDIS_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 1024))
        .setMaxPoolWaiting(env.integer("REDIS_POOL_WAITING", DEFAULT_POOL_WAITING, 1, 10_000_000))
        .setMaxWaitingHandlers(env.integer("REDIS_MAX_WAITING_HANDLERS", DEFAULT_MAX_WAITING_HANDLERS, 1, 10_000_000));
    entries.forEach(e -> options.addConnectionString(e.url()));
    if (type == RedisClientType.SENTINEL) {
      options.setMasterName(env.str("REDIS_MASTER_NAME", "mymaster"));
    }
    String user = env.raw("REDIS_USER");
    if (user != null && !user.isBlank()) options.setUser(user.trim());
    String password = password(env);
    if (password != null) options.setPassword(password);
    if (entries.get(0).tls()) options.setNetClientOptions(tls(env));
    return options;
  }

  /** {@code REDIS_PASSWORD}, or the first line of {@code REDIS_PASSWORD_FILE}, or null. */
  private static String password(Env env) {
    String direct = env.raw("REDIS_PASSWORD");
    String file = env.raw("REDIS_PASSWORD_FILE");
    if (direct != null && file != null) throw new IllegalArgumentException("set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both");
    if (file == null) return direct == null || direct.isEmpty() ? null : direct;
    try {
      String content = Files.readString(Path.of(file)).lines().findFirst().orElse("").strip();
      if (content.isEmpty()) throw new IllegalArgumentException("REDIS_PASSWORD_FILE " + file + " is empty");
      return content;
    } catch (IOException e) {
      throw new IllegalArgumentException("REDIS_PASSWORD_FILE " + file + " cannot be read: " + e.getClass().getSimpleName());
    }
  }

  private static NetClientOptions tls(Env env) {
    NetClientOptions net = new NetClientOptions().setSsl(true)
        .setHostnameVerificationAlgorithm(env.bool("REDIS_TLS_VERIFY_HOSTNAME", true) ? "HTTPS" : "");
    String ca = env.raw("REDIS_TLS_CA_FILE");
    if (ca != null) {
      if (!Files.isReadable(Path.of(ca))) throw new IllegalArgumentException("REDIS_TLS_CA_FILE " + ca + " cannot be read");
      net.setTrustOptions(new PemTrustOptions().addCertPath(ca));
    }
    return net;
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

  /**
   * {@link #create} and a first PING: wrong credentials or a failed TLS handshake fail the start with
   * an {@link IllegalArgumentException} naming {@code REDIS_URL} (a configuration error); a Redis that
   * is not reachable yet only logs a warning (readiness stays down until it is).
   */
  public static Future<Redis> connect(Vertx vertx, Env env) {
    Redis redis;
    try {
      redis = create(vertx, env);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String where = RedisUrls.redacted(env.str("REDIS_URL", DEFAULT_URL));
    String password = password(env);
    return redis.send(Request.cmd(Command.PING)).timeout(START_CHECK_SECONDS, TimeUnit.SECONDS)
        .<Redis>map(r -> redis)
        .recover(err -> {
          String why = safeMessage(err, password, env.str("REDIS_URL", DEFAULT_URL));
          if (isAuthError(err)) {
            return Future.failedFuture(new IllegalArgumentException("REDIS_URL: Redis at " + where
                + " refused the credentials (" + why + "); check the user and password in REDIS_URL"
                + " or REDIS_USER / REDIS_PASSWORD / REDIS_PASSWORD_FILE"));
          }
          if (hasCause(err, SSLException.class)) {
            return Future.failedFuture(new IllegalArgumentException("REDIS_URL: TLS with Redis at " + where
                + " failed (" + why + "); check rediss://, REDIS_TLS_CA_FILE and the server certificate"));
          }
          LOG.warn("redis not reachable yet url={} error={}", where, why);
          return Future.succeededFuture(redis);
        });
  }

  static boolean isAuthError(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && AUTH_ERRORS.stream().anyMatch(m::contains)) return true;
    }
    return false;
  }

  private static boolean hasCause(Throwable err, Class<? extends Throwable> type) {
    for (Throwable t = err; t != null; t = t.getCause()) if (type.isInstance(t)) return true;
    return false;
  }

  /** The error's message with any secret removed (defensive: Redis does not echo passwords). */
  private static String safeMessage(Throwable err, String password, String url) {
    String m = String.valueOf(err.getMessage());
    if (password != null && !password.isEmpty()) m = m.replace(password, "***");
    for (RedisUrls.Entry e : RedisUrls.parse(url)) m = m.replace(e.url(), e.redacted());
    for (String secret : RedisUrls.secrets(url)) m = m.replace(secret, "***");
    return m;
  }
}
