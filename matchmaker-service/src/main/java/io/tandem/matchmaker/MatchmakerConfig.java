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
 * @param confirmMs a match not confirmed as delivered to both sides this long after pairing is undone by the sweep
 *     ({@code MATCH_CONFIRM_MS}, default 2 × {@code BUS_TIMEOUT_MS})
 * @param resumeGraceMs a call whose user's gateway died waits this long for the user to resume elsewhere
 *     ({@code RESUME_GRACE_MS}; the gateways use the same setting)
 */
public record MatchmakerConfig(String region, int scanMax, int nodeTtlMs, int sweepIntervalMs, int busTimeoutMs,
                               int relaxMs, int cooldownMs, int confirmMs, int resumeGraceMs) {
  /** Most unconfirmed matches undone in one sweep tick. */
  public static final int EXPIRE_BATCH = 200;

  /** The pairing rules these settings give. */
  public io.tandem.common.store.MatchRules rules() {
    return new io.tandem.common.store.MatchRules(region, scanMax, nodeTtlMs, relaxMs, cooldownMs);
  }

  /** These settings with {@code relaxMs} 0 (the overflow partition's: everyone there waited past RELAX_MS already). */
  public MatchmakerConfig relaxed() {
    return new MatchmakerConfig(region, scanMax, nodeTtlMs, sweepIntervalMs, busTimeoutMs, 0, cooldownMs, confirmMs, resumeGraceMs);
  }

  /** Time a delivery to a gateway may take: half the bus timeout, so a join retries before the gateway gives up on it. */
  public int deliveryTimeoutMs() {
    return Math.max(100, busTimeoutMs / 2);
  }

  public static MatchmakerConfig from(Env env) {
    int busTimeout = env.integer("BUS_TIMEOUT_MS", Limits.BUS_TIMEOUT_MS, 100, 60_000);
    return new MatchmakerConfig(
        env.str("REGION", "local"),
        env.integer("PAIR_SCAN_MAX", Limits.PAIR_SCAN_MAX, 2, 10_000),
        env.integer("NODE_TTL_MS", Limits.NODE_TTL_MS, 500, 600_000),
        env.integer("SWEEP_INTERVAL_MS", Limits.SWEEP_INTERVAL_MS, 50, 600_000),
        busTimeout,
        env.integer("RELAX_MS", Limits.RELAX_MS, 0, 600_000),
        env.integer("REMATCH_COOLDOWN_MS", Limits.REMATCH_COOLDOWN_MS, 0, Limits.PAIR_MEMORY_MS),
        env.integer("MATCH_CONFIRM_MS", 2 * busTimeout, 200, 600_000),
        env.integer("RESUME_GRACE_MS", Limits.RESUME_GRACE_MS, 0, Limits.RESUME_GRACE_MAX_MS));
  }
}
