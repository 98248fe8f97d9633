package io.tandem.matchmaker;

import io.tandem.common.Env;
import io.tandem.common.Limits;

/**
 * matchmaker-service settings (README, "Configuration").
 *
 * @param region value of a session's {@code region} field ({@code REGION})
 * @param scanMax most queue entries one pairing attempt inspects ({@code PAIR_SCAN_MAX})
 * @param nodeTtlMs a gateway whose heartbeat is older is dead ({@code NODE_TTL_MS})
 * @param sweepIntervalMs period of the backup sweep ({@code SWEEP_INTERVAL_MS})
 * @param busTimeoutMs event-bus request timeout ({@code BUS_TIMEOUT_MS})
 */
public record MatchmakerConfig(String region, int scanMax, int nodeTtlMs, int sweepIntervalMs, int busTimeoutMs) {
  /** Attempts of one join when the partner's socket turns out gone at delivery. */
  public static final int JOIN_ATTEMPTS = 3;

  public static MatchmakerConfig from(Env env) {
    return new MatchmakerConfig(
        env.str("REGION", "local"),
        env.integer("PAIR_SCAN_MAX", Limits.PAIR_SCAN_MAX, 2, 10_000),
        env.integer("NODE_TTL_MS", Limits.NODE_TTL_MS, 500, 600_000),
        env.integer("SWEEP_INTERVAL_MS", Limits.SWEEP_INTERVAL_MS, 50, 600_000),
        env.integer("BUS_TIMEOUT_MS", Limits.BUS_TIMEOUT_MS, 100, 60_000));
  }
}
