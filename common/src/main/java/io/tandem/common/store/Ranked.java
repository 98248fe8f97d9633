package io.tandem.common.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** A Redis sorted set in memory: members ordered by score, ties by member (as ZRANGE orders them). */
final class Ranked {
  private record Entry(long score, String member) {}

  private final Map<String, Long> scores = new HashMap<>();
  private final TreeSet<Entry> order = new TreeSet<>(Comparator.comparingLong(Entry::score).thenComparing(Entry::member));

  /** ZADD: sets the member's score; true when it was new. */
  boolean add(String member, long score) {
    Long old = scores.put(member, score);
    if (old != null) order.remove(new Entry(old, member));
    order.add(new Entry(score, member));
    return old == null;
  }

  /** ZREM: true when it was there. */
  boolean remove(String member) {
    Long old = scores.remove(member);
    if (old != null) order.remove(new Entry(old, member));
    return old != null;
  }

  /** ZSCORE, or null. */
  Long score(String member) {
    return scores.get(member);
  }

  /** ZRANGE 0 n-1: the first n members (all of them when n is not positive, as ZRANGE 0 -1). */
  List<String> first(int n) {
    return upTo(Long.MAX_VALUE, n > 0 ? n : -1);
  }

  /** ZRANGEBYSCORE -inf max LIMIT 0 limit (all when limit is negative, none when it is 0). */
  List<String> upTo(long max, int limit) {
    List<String> out = new ArrayList<>();
    for (Entry e : order) {
      if (e.score() > max || (limit >= 0 && out.size() == limit)) break;
      out.add(e.member());
    }
    return out;
  }

  int size() {
    return scores.size();
  }
}
