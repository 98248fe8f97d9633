package io.tandem.common;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * The matching partitions of this region (docs/scaling.md, "Partitioning the queue"): each has its
 * own Redis hash tag (its queue, indexes, user, session and node-users keys live in one slot, on one
 * shard), its own matchmaker addresses and its own sweep. A user's partition is chosen at connect
 * from the region ({@code REGION}) and, when the region has more than one ({@code MATCH_PARTITIONS}),
 * a stable hash of the user id: the same user always lands in the same partition on every gateway of
 * the region, so a resume finds its call whichever gateway it reaches.
 *
 * <p>With one partition (the default) the partition is {@code ""}: today's key names ({@code {tandem}})
 * and addresses, so a deployment that does not partition sees no change. Gateways and matchmakers of
 * one region must use the same {@code REGION} and {@code MATCH_PARTITIONS}.
 *
 * @param region the region's name ({@code REGION})
 * @param count partitions of the region ({@code MATCH_PARTITIONS}, 1 to {@link #MAX})
 */
public record MatchPartitions(String region, int count) {
  /** Most partitions one region may have (each costs every gateway a heartbeat and a stats read per interval). */
  public static final int MAX = 64;
  /** What a region may be named when it is partitioned (it becomes part of Redis keys and event-bus addresses). */
  public static final Pattern REGION_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

  public MatchPartitions {
    if (count < 1 || count > MAX) throw new IllegalArgumentException("MATCH_PARTITIONS must be between 1 and " + MAX + ", got " + count);
    if (count > 1 && !REGION_NAME.matcher(region).matches()) {
      throw new IllegalArgumentException("REGION must match " + REGION_NAME.pattern() + " when MATCH_PARTITIONS > 1, got '" + region + "'");
    }
  }

  /** From {@code REGION} (default {@code local}) and {@code MATCH_PARTITIONS} (default 1). */
  public static MatchPartitions from(Env env) {
    return new MatchPartitions(env.str("REGION", "local"), env.integer("MATCH_PARTITIONS", 1, 1, MAX));
  }

  /** What the region's overflow partition is named after the region ({@code <region>-overflow}). */
  public static final String OVERFLOW_SUFFIX = "-overflow";
  /** How the ids of sessions made in an overflow partition begin (a session's partition is read from its id). */
  public static final String OVERFLOW_SESSION_PREFIX = "so_";

  /** One partition, today's keys (tests, tools). */
  public static final MatchPartitions SINGLE = new MatchPartitions("local", 1);

  /** Every partition of the region: {@code [""]} for one, else {@code <region>-0 … <region>-<count-1>}. */
  public List<String> names() {
    if (count == 1) return List.of("");
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) out.add(region + "-" + i);
    return List.copyOf(out);
  }

  /**
   * The region's shared overflow partition, or null with one partition. A user who waited past the
   * overflow delay in a partition of the region moves there (docs/scaling.md, "The overflow"): lone
   * users of quiet partitions still meet each other.
   */
  public String overflow() {
    return count == 1 ? null : region + OVERFLOW_SUFFIX;
  }

  /** Whether {@code partition} is an overflow partition (its sessions' ids begin with {@link #OVERFLOW_SESSION_PREFIX}). */
  public static boolean isOverflow(String partition) {
    return partition != null && partition.endsWith(OVERFLOW_SUFFIX);
  }

  /** Every partition of the region and then its overflow, if any (what matchmakers serve and gateways beat in). */
  public List<String> withOverflow() {
    if (count == 1) return names();
    List<String> out = new ArrayList<>(names());
    out.add(overflow());
    return List.copyOf(out);
  }

  /**
   * The partition that holds session {@code sessionId} of user {@code userId}: the overflow for an id
   * the overflow made, else the user's own partition (an id a client made up finds no session there).
   */
  public String ofSession(String sessionId, String userId) {
    if (count > 1 && sessionId != null && sessionId.startsWith(OVERFLOW_SESSION_PREFIX)) return overflow();
    return of(userId);
  }

  /** The partition of a user: stable over restarts and gateways (CRC-32 of the id, modulo the count). */
  public String of(String userId) {
    if (count == 1) return "";
    CRC32 crc = new CRC32();
    crc.update(userId.getBytes(StandardCharsets.UTF_8));
    return region + "-" + Math.floorMod(crc.getValue(), count);
  }
}
