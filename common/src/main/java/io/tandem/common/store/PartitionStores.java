package io.tandem.common.store;

import io.tandem.common.MatchPartitions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The call store of each matching partition of this region ({@link MatchPartitions}): a user's
 * steps go to the store of the user's partition; node-wide steps (heartbeat, presence counts) to
 * each of them.
 */
public final class PartitionStores {
  private final MatchPartitions partitions;
  private final Map<String, CallStore> byName = new LinkedHashMap<>();

  /** @param make the store of one partition (e.g. {@code p -> new RedisCallStore(redis, p)}) */
  public PartitionStores(MatchPartitions partitions, Function<String, CallStore> make) {
    this.partitions = partitions;
    for (String p : partitions.names()) byName.put(p, make.apply(p));
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

  /** The store of one partition of this region; IllegalArgumentException for another name. */
  public CallStore of(String partition) {
    CallStore s = byName.get(partition);
    if (s == null) throw new IllegalArgumentException("unknown matching partition '" + partition + "'");
    return s;
  }

  /** Every partition's name, in order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  /** Every partition's store, in the order of {@link #names()}. */
  public List<CallStore> all() {
    return List.copyOf(byName.values());
  }
}
