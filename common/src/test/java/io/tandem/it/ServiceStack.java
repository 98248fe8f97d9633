package io.tandem.it;

import io.tandem.common.Env;
import io.tandem.common.ServiceModule;
import io.tandem.common.ServiceRunner;
import io.tandem.common.Telemetry;
import io.tandem.common.TestRedis;
import io.tandem.common.Transport;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Services under test in one Vert.x, as the launcher runs them, against a real redis-server
 * ({@link TestRedis}: under {@code CI=true} a missing redis-server fails the test, elsewhere it skips
 * with a message). The modules are deployed in the order given with {@link ServiceRunner#deployAll}.
 * Settings are the services' own; {@code REDIS_URL} joins a Redis another stack started.
 *
 * @param vertx the Vert.x the services run in
 * @param env the effective settings (with the Redis URL)
 * @param ownRedis the redis-server this stack started and stops, or null when it joined one
 */
public record ServiceStack(Vertx vertx, Env env, TestRedis ownRedis) implements AutoCloseable {
  /** Longest start, seconds. */
  public static final int START_TIMEOUT_SECONDS = 60;

  /** Starts a redis-server unless {@code settings} name one, then the modules in order. */
  public static ServiceStack start(Map<String, String> settings, List<ServiceModule> modules) throws Exception {
    Map<String, String> effective = new HashMap<>(settings);
    TestRedis redis = effective.containsKey("REDIS_URL") ? null : TestRedis.start();
    if (redis != null) effective.put("REDIS_URL", redis.url());
    effective.putIfAbsent("AUTH_PORT", "0"); // as in the launcher: auth opens no port of its own unless told to
    Env env = Env.with(effective);
    ServiceStack stack = new ServiceStack(Transport.report(Telemetry.vertxBuilder(Transport.options(env), env).build(), env), env, redis);
    try {
      ServiceRunner.deployAll(stack.vertx, env, modules).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return stack;
    } catch (Exception e) {
      try {
        stack.close();
      } catch (Exception closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** The process id of the redis-server this stack started (fault tests freeze it). */
  public long redisPid() {
    if (ownRedis == null) throw new IllegalStateException("this stack joined a Redis it did not start (REDIS_URL)");
    return ownRedis.pid();
  }

  /** Stops the services, then the stack's own redis-server. */
  @Override
  public void close() throws Exception {
    try (TestRedis stopLast = ownRedis) {
      vertx.close().await(ServiceRunner.STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }
}
