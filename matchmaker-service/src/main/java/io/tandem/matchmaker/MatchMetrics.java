package io.tandem.matchmaker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tandem.common.Telemetry;
import io.tandem.common.store.Pairing;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The matchmaker's measurements, in one place (exposed at /metrics by the monitor). */
public final class MatchMetrics {
  private static final MeterRegistry R = Telemetry.registry();
  /** Time from joining the queue to being paired (both sides of every pair), Redis clock. */
  private static final Timer TIME_TO_MATCH = Timer.builder("tandem_time_to_match").description("wait from join-queue to being paired")
      .publishPercentiles(0.5, 0.95, 0.99).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofMinutes(5)).register(R);
  private static final Counter MATCHES_JOIN = Counter.builder("tandem_matches_total").tag("path", "join").description("sessions created").register(R);
  private static final Counter MATCHES_SWEEP = Counter.builder("tandem_matches_total").tag("path", "sweep").description("sessions created").register(R);
  private static final Counter RELAXATIONS = Counter.builder("tandem_relaxations_total")
      .description("pairs made without a shared interest although one side had interests").register(R);
  private static final Counter SHARED_LANGUAGE = Counter.builder("tandem_matches_shared_language_total")
      .description("pairs who share a stated language").register(R);
  private static final Counter SWEEP_REMOVALS = Counter.builder("tandem_sweep_removals_total")
      .description("stale queue entries and dead-node users removed by the sweep").register(R);
  private static final Counter ABORTS = Counter.builder("tandem_match_aborts_total")
      .description("pairs dropped because a side's socket was gone at delivery").register(R);
  private static final AtomicLong QUEUE_LENGTH = R.gauge("tandem_queue_length", new AtomicLong());

  private MatchMetrics() {}

  static void paired(Pairing p, boolean bySweep) {
    (bySweep ? MATCHES_SWEEP : MATCHES_JOIN).increment();
    TIME_TO_MATCH.record(Duration.ofMillis(Math.max(0, p.callerWaitMs())));
    TIME_TO_MATCH.record(Duration.ofMillis(Math.max(0, p.calleeWaitMs())));
    if (p.relaxed()) RELAXATIONS.increment();
    if (!p.commonLanguage().isEmpty()) SHARED_LANGUAGE.increment();
  }

  static void aborted() {
    ABORTS.increment();
  }

  static void removed(long n) {
    if (n > 0) SWEEP_REMOVALS.increment(n);
  }

  static void queueLength(long n) {
    QUEUE_LENGTH.set(n);
  }
}
