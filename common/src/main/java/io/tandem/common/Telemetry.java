package io.tandem.common;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The process's metrics: one Prometheus registry holding JVM, Vert.x (HTTP, event bus, pools) and
 * Tandem's domain meters (all named {@code tandem_*}). Scraped at {@code /metrics} by {@link MonitorVerticle}.
 */
public final class Telemetry {
  private static final PrometheusMeterRegistry REGISTRY = create();

  private Telemetry() {}

  private static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(r);
    new JvmMemoryMetrics().bindTo(r);
    new JvmGcMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    return r;
  }

  /** The registry every meter of this process goes to. */
  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  /** A Vert.x builder with Vert.x metrics reported to {@link #registry()}. */
  public static VertxBuilder vertxBuilder(VertxOptions options) {
    // NET_CLIENT is off: each Redis connection pool registers the same "vertx.net.client.*" gauges,
    // which Micrometer refused with a WARN at every start (only the first would have counted).
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
        .addDisabledMetricsCategory(io.vertx.micrometer.MetricsDomain.NET_CLIENT));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(REGISTRY));
  }
}
