package io.tandem.common.store;

/**
 * How a pairing step chooses (matchmaker settings).
 *
 * @param region value of a new session's {@code region}
 * @param scanMax most queue entries one attempt inspects
 * @param nodeTtlMs a gateway whose heartbeat is older is dead (its users are skipped)
 * @param relaxMs after this wait someone is paired with anyone, interests or not
 * @param cooldownMs two users who just ended a call are not paired again for this long
 */
public record MatchRules(String region, int scanMax, long nodeTtlMs, long relaxMs, long cooldownMs) {}
