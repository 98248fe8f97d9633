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
 * The process's metrics: one Prometheus registry holding JVM, Vert.x (the categories of {@code VERTX_METRICS}) and
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

  /** Setting: which Vert.x metric domains are recorded (comma-separated names of {@link #DOMAINS}, or {@code none}). */
  public static final String SETTING = "VERTX_METRICS";
  /** Vert.x metric categories by their setting name ({@code redis-client}: the Redis client's own meters). */
  static final java.util.Map<String, String> DOMAINS = java.util.Map.of(
      "http-server", io.vertx.micrometer.MetricsDomain.HTTP_SERVER.toCategory(),
      "http-client", io.vertx.micrometer.MetricsDomain.HTTP_CLIENT.toCategory(),
      "net-server", io.vertx.micrometer.MetricsDomain.NET_SERVER.toCategory(),
      "net-client", io.vertx.micrometer.MetricsDomain.NET_CLIENT.toCategory(),
      "event-bus", io.vertx.micrometer.MetricsDomain.EVENT_BUS.toCategory(),
      "datagram", io.vertx.micrometer.MetricsDomain.DATAGRAM_SOCKET.toCategory(),
      "pools", io.vertx.micrometer.MetricsDomain.NAMED_POOLS.toCategory(),
      "redis-client", "redis");
  /**
   * Default: only the worker pools. The per-message categories (HTTP/net bytes per frame, event-bus counters per
   * message, Redis client per command) cost about 8% of the server CPU of a call (bench floors, 1.51-1.58 vs
   * 1.39-1.40 ms per cycle) and no dashboard or alert uses them: Tandem's own {@code tandem_*} meters do.
   */
  public static final String DEFAULT_DOMAINS = "pools";

  /** The Vert.x metric categories a {@code VERTX_METRICS} value names; a clear error for an unknown name. */
  static java.util.Set<String> domains(String value) {
    java.util.Set<String> out = new java.util.HashSet<>();
    String v = value.trim();
    if (v.equalsIgnoreCase("none")) return out;
    for (String part : v.split(",")) {
      String name = part.trim().toLowerCase(java.util.Locale.ROOT);
      if (name.isEmpty()) continue;
      String d = DOMAINS.get(name);
      if (d == null) {
        throw new IllegalArgumentException(SETTING + ": unknown Vert.x metrics domain '" + part.trim() + "' (known: "
            + new java.util.TreeSet<>(DOMAINS.keySet()) + ", or none)");
      }
      out.add(d);
    }
    return out;
  }

  /** A Vert.x builder with the Vert.x metric domains of {@code VERTX_METRICS} reported to {@link #registry()}. */
  public static VertxBuilder vertxBuilder(VertxOptions options, Env env) {
    // read by its literal name: the deploy checks derive every service's variables from the code
    java.util.Set<String> on = domains(env.str("VERTX_METRICS", DEFAULT_DOMAINS));
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true);
    for (String category : DOMAINS.values()) {
      if (!on.contains(category)) metrics.addDisabledMetricsCategory(category);
    }
    options.setMetricsOptions(metrics);
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(REGISTRY));
  }
}
