package io.tandem.common.store;

import java.util.List;

/** One batch of cleanup after a dead gateway node: users removed, and the calls that ended with their surviving peers. */
public record Reaped(String node, long removedUsers, List<EndedCall> endedCalls) {}
