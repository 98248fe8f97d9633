package io.tandem.gateway;

import io.tandem.gateway.socket.Registry;

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
  private static final Counter RESUMES = Counter.builder("tandem_resumes_total").description("calls taken back by a new socket after the old one was lost").register(R);
  private static final Counter OVERFLOW_MOVES = Counter.builder("tandem_overflow_moves_total")
      .description("searches moved from the user's own partition to the region's overflow partition").register(R);

  /** Open-socket registries of the gateway nodes in this process (one in production, several in tests). */
  private static final java.util.Set<Registry> REGISTRIES = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Handshake tables of the socket servers in this process (one per event loop of each gateway node). */
  private static final java.util.Set<java.util.Map<?, ?>> HANDSHAKES = java.util.concurrent.ConcurrentHashMap.newKeySet();

  static {
    // registered once per process: re-registering a gauge per node made Micrometer warn at every start
    Gauge.builder("tandem_sockets_open", REGISTRIES, set -> set.stream().mapToInt(Registry::size).sum())
        .description("open WebSockets on this gateway").register(R);
    Gauge.builder("tandem_handshakes_pending", HANDSHAKES, set -> set.stream().mapToInt(java.util.Map::size).sum())
        .description("handshakes accepted whose socket has not opened yet").register(R);
  }

  private GatewayMetrics() {}

  /** Adds a gateway node's sockets to the open-sockets gauge. */
  static void socketsOpen(Registry registry) {
    REGISTRIES.add(registry);
  }

  /** Adds a socket server's handshake table to the pending-handshakes gauge. */
  public static void pendingHandshakes(java.util.Map<?, ?> table) {
    HANDSHAKES.add(table);
  }

  /** Removes a stopped node's sockets from the open-sockets gauge. */
  static void forgetSockets(Registry registry) {
    REGISTRIES.remove(registry);
  }

  /** Removes a stopped socket server's handshake table from the pending-handshakes gauge. */
  public static void forgetHandshakes(java.util.Map<?, ?> table) {
    HANDSHAKES.remove(table);
  }

  public static void relayed(long sentAtMillis) {
    long ms = System.currentTimeMillis() - sentAtMillis;
    if (ms >= 0) RELAY.record(Duration.ofMillis(ms));
  }

  public static void error(ErrorCode code) {
    Counter.builder("tandem_errors_total").tag("code", code.code).description("errors sent to clients, by code").register(R).increment();
  }

  public static void report() {
    REPORTS.increment();
  }

  public static void resumed() {
    RESUMES.increment();
  }

  public static void movedToOverflow() {
    OVERFLOW_MOVES.increment();
  }
}
