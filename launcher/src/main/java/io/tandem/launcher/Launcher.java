package io.tandem.launcher;

import io.tandem.auth.AuthModule;
import io.tandem.chat.ChatModule;
import io.tandem.common.ClusterSetup;
import io.tandem.common.Env;
import io.tandem.common.ServiceModule;
import io.tandem.common.ServiceRunner;
import io.tandem.common.Telemetry;
import io.vertx.core.VertxOptions;
import io.tandem.gateway.GatewayModule;
import io.tandem.matchmaker.MatchmakerModule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the whole system in one JVM: auth, matchmaker, chat and one gateway serving the web client,
 * {@code /auth/*} and {@code /signaling} on one port (8080). Starts a local Redis when
 * {@code REDIS_URL} is unset. Single-process by default; {@code CLUSTERED=true} joins the Hazelcast
 * cluster so separately started services can join it.
 */
public final class Launcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Launcher.class);
  /** The services, in start order (the gateway last, so it serves only once the rest is up). */
  public static final List<ServiceModule> MODULES =
      List.of(AuthModule::verticles, MatchmakerModule::verticles, ChatModule::verticles, GatewayModule::verticles);

  private final Vertx vertx;
  private final LocalRedis redis;
  private final Env env;

  private Launcher(Vertx vertx, LocalRedis redis, Env env) {
    this.vertx = vertx;
    this.redis = redis;
    this.env = env;
  }

  /**
   * Starts everything. {@code settings} override the environment (tests use them). In the launcher
   * auth-service does not open its own port unless {@code AUTH_PORT} is set: the gateway serves /auth.
   */
  public static Launcher start(Map<String, String> settings) throws Exception {
    Env base = Env.with(settings);
    Map<String, String> effective = new HashMap<>(settings);
    LocalRedis redis = null;
    if (base.raw("REDIS_URL") == null) {
      redis = LocalRedis.start(base.integer("LOCAL_REDIS_PORT", 0, 0, 65535) == 0
          ? LocalRedis.freePort() : base.integer("LOCAL_REDIS_PORT", 0, 0, 65535));
      effective.put("REDIS_URL", redis.url());
    }
    if (base.raw("AUTH_PORT") == null) effective.put("AUTH_PORT", "0");
    Env env = Env.with(effective);
    Vertx vertx = null;
    try {
      vertx = (env.bool("CLUSTERED", false) ? ClusterSetup.start(env) : Future.succeededFuture(Telemetry.vertxBuilder(new VertxOptions()).build()))
          .await(60, TimeUnit.SECONDS);
      Future<Void> chain = Future.succeededFuture();
      for (ServiceModule m : MODULES) {
        Vertx v = vertx;
        chain = chain.compose(x -> ServiceRunner.deploy(v, env, m));
      }
      Vertx v = vertx;
      chain.compose(x -> ServiceRunner.deployMonitor(v, env, 0)).await(60, TimeUnit.SECONDS);
      return new Launcher(vertx, redis, env);
    } catch (Exception e) {
      if (vertx != null) vertx.close();
      if (redis != null) redis.close();
      throw e;
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The effective configuration (with the local Redis URL when one was started). */
  public Env env() {
    return env;
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().await(ServiceRunner.STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } finally {
      if (redis != null) redis.close();
    }
  }

  public static void main(String[] args) {
    try {
      Launcher launcher = start(Map.of());
      Env env = Env.system();
      LOG.info("Tandem is running: open http://localhost:{}/", env.integer("GATEWAY_PORT", 8080, 0, 65535));
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          launcher.close();
        } catch (Exception e) {
          LOG.warn("stop failed: {}", e.toString());
        }
      }, "tandem-shutdown"));
    } catch (IllegalArgumentException e) {
      LOG.error("bad configuration: {}", e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      LOG.error("Tandem failed to start", e);
      System.exit(1);
    }
  }
}
