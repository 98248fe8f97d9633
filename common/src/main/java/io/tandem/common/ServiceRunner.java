package io.tandem.common;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code main} of every service: join the cluster, deploy the service's verticles, stop cleanly on SIGTERM. */
public final class ServiceRunner {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

  private ServiceRunner() {}

  /** Deploys the verticles built by {@code verticles} into a clustered Vert.x; exits 1 on failure. */
  public static void run(String service, Function<Env, List<Deployable>> verticles) {
    Env env = Env.system();
    List<Deployable> list;
    try {
      list = verticles.apply(env);
    } catch (IllegalArgumentException e) {
      LOG.error("{}: bad configuration: {}", service, e.getMessage());
      System.exit(2);
      return;
    }
    ClusterSetup.start(env)
        .compose(vertx -> deployAll(vertx, list).map(vertx))
        .onSuccess(vertx -> {
          LOG.info("{} started", service);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("{} stopping", service);
            try {
              vertx.close().await(java.time.Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (Exception e) {
              LOG.warn("{} did not stop cleanly: {}", service, e.toString());
            }
          }, service + "-shutdown"));
        })
        .onFailure(err -> {
          LOG.error("{} failed to start", service, err);
          System.exit(1);
        });
  }

  /** Deploys in order, each after the previous one started. */
  public static Future<Void> deployAll(Vertx vertx, List<Deployable> verticles) {
    Future<Void> chain = Future.succeededFuture();
    for (Deployable d : verticles) {
      chain = chain.compose(v -> vertx.deployVerticle(d).mapEmpty());
    }
    return chain;
  }
}
