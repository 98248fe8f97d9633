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
 */
public final class ServiceStack implements AutoCloseable {
  /** Longest start or stop, seconds. */
  public static final int START_TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final TestRedis redis;
  private final Env env;

  private ServiceStack(Vertx vertx, TestRedis redis, Env env) {
    this.vertx = vertx;
    this.redis = redis;
    this.env = env;
  }

  /** Starts a redis-server unless {@code settings} name one, then the modules in order. */
  public static ServiceStack start(Map<String, String> settings, List<ServiceModule> modules) throws Exception {
    Map<String, String> effective = new HashMap<>(settings);
    TestRedis redis = null;
    if (!effective.containsKey("REDIS_URL")) {
      redis = TestRedis.start();
      effective.put("REDIS_URL", redis.url());
    }
    effective.putIfAbsent("AUTH_PORT", "0"); // as in the launcher: auth opens no port of its own unless told to
    Env env = Env.with(effective);
    Vertx vertx = Transport.report(Telemetry.vertxBuilder(Transport.options(env), env).build(), env);
    try {
      ServiceRunner.deployAll(vertx, env, modules).await(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return new ServiceStack(vertx, redis, env);
    } catch (Exception e) {
      vertx.close();
      if (redis != null) redis.close();
      throw e;
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The effective settings (with the Redis URL). */
  public Env env() {
    return env;
  }

  /** The process id of the redis-server this stack started (fault tests freeze it). */
  public long redisPid() {
    if (redis == null) throw new IllegalStateException("this stack joined a Redis it did not start (REDIS_URL)");
    return redis.pid();
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().await(ServiceRunner.STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      if (redis != null) redis.close();
    }
  }
}
