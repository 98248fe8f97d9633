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
 * @param relaxMs after this wait someone is paired with anyone, interests or not ({@code RELAX_MS})
 * @param cooldownMs two people who just ended a call are not paired again for this long ({@code REMATCH_COOLDOWN_MS})
 */
public record MatchmakerConfig(String region, int scanMax, int nodeTtlMs, int sweepIntervalMs, int busTimeoutMs,
                               int relaxMs, int cooldownMs) {
  /** Attempts of one join when the partner's socket turns out gone at delivery. */
  public static final int JOIN_ATTEMPTS = 3;

  public static MatchmakerConfig from(Env env) {
    return new MatchmakerConfig(
        env.str("REGION", "local"),
        env.integer("PAIR_SCAN_MAX", Limits.PAIR_SCAN_MAX, 2, 10_000),
        env.integer("NODE_TTL_MS", Limits.NODE_TTL_MS, 500, 600_000),
        env.integer("SWEEP_INTERVAL_MS", Limits.SWEEP_INTERVAL_MS, 50, 600_000),
        env.integer("BUS_TIMEOUT_MS", Limits.BUS_TIMEOUT_MS, 100, 60_000),
        env.integer("RELAX_MS", Limits.RELAX_MS, 0, 600_000),
        env.integer("REMATCH_COOLDOWN_MS", Limits.REMATCH_COOLDOWN_MS, 0, Limits.PAIR_MEMORY_MS));
  }
}
