package io.tandem.common;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code main} of every service: join the cluster, deploy the service's verticles, stop cleanly on SIGTERM. */
public final class ServiceRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);
  /** Longest a clean stop may take before the process exits anyway, seconds. */
  public static final int STOP_TIMEOUT_SECONDS = 20;

  private ServiceRunner() {}

  /** Deploys the module into a clustered Vert.x; exits 2 on bad configuration, 1 on other start failures. */
  public static void run(String service, ServiceModule module) {
    Env env = Env.system();
    ClusterSetup.start(env)
        .compose(vertx -> deploy(vertx, env, module).compose(v -> deployMonitor(vertx, env, MonitorVerticle.DEFAULT_PORT)).map(vertx))
        .onSuccess(vertx -> {
          LOG.info("{} started", service);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} stopping", service);
            Health.register("draining", () -> Future.failedFuture("shutting down"));
            try {
              vertx.close().await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
              LOG.warn("{} did not stop cleanly: {}", service, e.toString());
            }
          }, service + "-shutdown"));
        })
        .onFailure(err -> {
          if (err instanceof IllegalArgumentException) {
            LOG.error("{}: bad configuration: {}", service, err.getMessage());
            System.exit(2);
          }
          LOG.error("{} failed to start", service, err);
          System.exit(1);
        });
  }

  /** Deploys the health and metrics endpoints unless {@code MONITOR_PORT} is 0. */
  public static Future<Void> deployMonitor(Vertx vertx, Env env, int defaultPort) {
    MonitorVerticle monitor = MonitorVerticle.fromEnv(env, defaultPort);
    return monitor == null ? Future.succeededFuture() : vertx.deployVerticle(monitor).mapEmpty();
  }

  /**
   * Deploys several modules into one Vert.x, in order (each after the previous one started), then the
   * health and metrics endpoints when {@code MONITOR_PORT} is set (the launcher, and tests that run
   * several services in one JVM).
   */
  public static Future<Void> deployAll(Vertx vertx, Env env, List<ServiceModule> modules) {
    Future<Void> chain = Future.succeededFuture();
    for (ServiceModule m : modules) chain = chain.compose(v -> deploy(vertx, env, m));
    return chain.compose(v -> deployMonitor(vertx, env, 0));
  }

  /** Builds the module's verticles and deploys them in order, each after the previous one started. */
  public static Future<Void> deploy(Vertx vertx, Env env, ServiceModule module) {
    Future<List<Deployable>> verticles;
    try {
      verticles = module.verticles(vertx, env);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return verticles.compose(list -> {
      Future<Void> chain = Future.succeededFuture();
      for (Deployable d : list) chain = chain.compose(v -> vertx.deployVerticle(d).mapEmpty());
      return chain;
    });
  }
}
