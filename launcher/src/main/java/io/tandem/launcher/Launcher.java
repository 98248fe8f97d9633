package io.tandem.launcher;

import io.tandem.auth.AuthModule;
import io.tandem.chat.ChatModule;
import io.tandem.common.ClusterSetup;
import io.tandem.common.Env;
import io.tandem.common.ServiceModule;
import io.tandem.common.ServiceRunner;
import io.tandem.common.Telemetry;
import io.tandem.common.Transport;
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
  /** The services by name, in start order (the gateway last, so it serves only once the rest is up). */
  public static final Map<String, ServiceModule> MODULES = modules();
  /** Default of {@code LAUNCHER_SERVICES}: all of them. */
  public static final String ALL_SERVICES = "auth,matchmaker,chat,gateway";

  private static Map<String, ServiceModule> modules() {
    Map<String, ServiceModule> m = new java.util.LinkedHashMap<>();
    m.put("auth", AuthModule::verticles);
    m.put("matchmaker", MatchmakerModule::verticles);
    m.put("chat", ChatModule::verticles);
    m.put("gateway", GatewayModule::verticles);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The modules named in {@code LAUNCHER_SERVICES} (comma-separated), in start order; fails on an unknown name. */
  static List<ServiceModule> selected(Env env) {
    List<String> names = java.util.Arrays.stream(env.str("LAUNCHER_SERVICES", ALL_SERVICES).split(","))
        .map(String::trim).filter(n -> !n.isEmpty()).toList();
    for (String n : names) {
      if (!MODULES.containsKey(n)) {
        throw new IllegalArgumentException("LAUNCHER_SERVICES names unknown service '" + n + "' (known: " + ALL_SERVICES + ")");
      }
    }
    return MODULES.entrySet().stream().filter(e -> names.contains(e.getKey())).map(Map.Entry::getValue).toList();
  }

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
    List<ServiceModule> modules = selected(env);
    Vertx vertx = null;
    try {
      vertx = (env.bool("CLUSTERED", false) ? ClusterSetup.start(env) : Future.succeededFuture(Transport.report(Telemetry.vertxBuilder(Transport.options(env), env).build(), env)))
          .await(60, TimeUnit.SECONDS);
      ServiceRunner.deployAll(vertx, env, modules).await(60, TimeUnit.SECONDS);
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

  /** The local Redis this launcher started, or null when {@code REDIS_URL} was given. */
  public LocalRedis localRedis() {
    return redis;
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
    HeapSettings.apply();
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
