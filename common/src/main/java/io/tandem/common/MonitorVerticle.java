package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operations endpoints on {@code MONITOR_PORT} (default 9090): {@code /health/live} (the event loop
 * answers), {@code /health/ready} (every {@link Health} check passes and, when clustered, the node is
 * in the cluster) and {@code /metrics} (Prometheus text from {@link Telemetry}).
 */
public final class MonitorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);
  /** Default monitor port. */
  public static final int DEFAULT_PORT = 9090;
  /** How long one readiness check may take, ms. */
  public static final long CHECK_TIMEOUT_MS = 2000;

  private final int port;
  private HttpServer server;

  public MonitorVerticle(int port) {
    this.port = port;
  }

  /** The monitor for this configuration, or null when {@code MONITOR_PORT} is 0. */
  public static MonitorVerticle fromEnv(Env env, int defaultPort) {
    int p = env.integer("MONITOR_PORT", defaultPort, 0, 65535);
    return p == 0 ? null : new MonitorVerticle(p);
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/health/live" -> HttpReplies.json(req.response(), 200, new JsonObject().put("status", "up"));
        case "/health/ready" -> ready().onComplete(ar -> HttpReplies.json(req.response(), ar.succeeded() ? 200 : 503,
            ar.succeeded() ? new JsonObject().put("status", "ready") : new JsonObject().put("status", "not ready").put("reason", ar.cause().getMessage())));
        case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            .end(Telemetry.registry().scrape());
        default -> HttpReplies.error(req.response(), new TandemException(ErrorCode.NOT_FOUND));
      }
    });
    return server.listen(port)
        .onSuccess(s -> LOG.info("monitor listening port={}", s.actualPort()))
        .recover(err -> {
          LOG.warn("monitor port {} unavailable ({}): health and metrics are off; set MONITOR_PORT", port, err.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> ready() {
    if (vertx.isClustered() && !((VertxInternal) vertx).clusterManager().isActive()) {
      return Future.failedFuture("not in the cluster");
    }
    List<Future<?>> all = new ArrayList<>();
    for (Map.Entry<String, Supplier<Future<?>>> e : Health.checks().entrySet()) {
      Future<?> f;
      try {
        f = e.getValue().get();
      } catch (RuntimeException ex) {
        f = Future.failedFuture(ex);
      }
      all.add(f.timeout(CHECK_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
          .recover(err -> Future.failedFuture(e.getKey() + ": " + err.getMessage())));
    }
    return Future.all(all).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
