package io.tandem.common.store;

import io.tandem.common.MatchPartitions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The call store of each matching partition of this region ({@link MatchPartitions}) and of its
 * overflow partition, if any: a user's steps go to the store of the user's partition (a session's to
 * the partition that made it); node-wide steps (heartbeat, presence counts) to each of them.
 */
public final class PartitionStores {
  private final MatchPartitions partitions;
  private final Map<String, CallStore> byName = new LinkedHashMap<>();

  /** @param make the store of one partition (e.g. {@code p -> new RedisCallStore(redis, p)}) */
  public PartitionStores(MatchPartitions partitions, Function<String, CallStore> make) {
    this.partitions = partitions;
    for (String p : partitions.withOverflow()) byName.put(p, make.apply(p));
  }

  /** One partition, one store (tests, one-partition deployments). */
  public static PartitionStores single(CallStore store) {
    return new PartitionStores(MatchPartitions.SINGLE, p -> store);
  }

  /** The partition of a user (see {@link MatchPartitions#of}). */
  public String partitionOf(String userId) {
    return partitions.of(userId);
  }

  /** The store of a user's partition. */
  public CallStore forUser(String userId) {
    return byName.get(partitions.of(userId));
  }

  /** The store of the partition holding session {@code sessionId} of user {@code userId} (see {@link MatchPartitions#ofSession}). */
  public CallStore forSession(String sessionId, String userId) {
    return byName.get(partitions.ofSession(sessionId, userId));
  }

  /** The partition holding session {@code sessionId} of user {@code userId}. */
  public String partitionOfSession(String sessionId, String userId) {
    return partitions.ofSession(sessionId, userId);
  }

  /** The region's overflow partition, or null (one partition). */
  public String overflow() {
    return partitions.overflow();
  }

  /** The store of one partition of this region (or its overflow); IllegalArgumentException for another name. */
  public CallStore of(String partition) {
    CallStore s = byName.get(partition);
    if (s == null) throw new IllegalArgumentException("unknown matching partition '" + partition + "'");
    return s;
  }

  /** Every partition's name, in order, the overflow last. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every partition's store, in the order of {@link #names()}. */
  public List<CallStore> all() {
    return List.copyOf(byName.values());
  }

  /** The stores of the region's own partitions, without the overflow (where every user has its one socket record). */
  public List<CallStore> homes() {
    return partitions.names().stream().map(byName::get).toList();
  }
}
