package io.tandem.common.store;

import java.util.List;

/**
 * One batch of cleanup after a dead gateway node: users removed, the calls that ended with their
 * surviving peers, and the calls that wait in the grace window for their user to resume elsewhere.
 */
public record Reaped(String node, long removedUsers, List<EndedCall> endedCalls, List<Graced> gracedCalls) {}
