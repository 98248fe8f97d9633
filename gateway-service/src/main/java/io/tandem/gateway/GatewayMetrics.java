package io.tandem.gateway;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.common.ErrorCode;
import io.tandem.common.Telemetry;
import java.time.Duration;

/** The gateway's domain meters, in one place (exposed at /metrics by the monitor). */
public final class GatewayMetrics {
  private static final MeterRegistry R = Telemetry.registry();
  /** Time from a relayed frame leaving the sender's gateway to it being written on the peer's socket. */
  private static final Timer RELAY = Timer.builder("tandem_relay_latency").description("signaling/chat relay latency between gateways")
      .publishPercentiles(0.5, 0.99).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(5)).register(R);
  private static final Counter REPORTS = Counter.builder("tandem_reports_total").description("reports received").register(R);

  private GatewayMetrics() {}

  /** Registers the open-sockets gauge of a gateway node. */
  static void socketsOpen(Registry registry) {
    Gauge.builder("tandem_sockets_open", registry, Registry::size).description("open WebSockets on this gateway").register(R);
  }

  static void relayed(long sentAtMillis) {
    long ms = System.currentTimeMillis() - sentAtMillis;
    if (ms >= 0) RELAY.record(Duration.ofMillis(ms));
  }

  static void error(ErrorCode code) {
    Counter.builder("tandem_errors_total").tag("code", code.code).description("errors sent to clients, by code").register(R).increment();
  }

  static void report() {
    REPORTS.increment();
  }
}
