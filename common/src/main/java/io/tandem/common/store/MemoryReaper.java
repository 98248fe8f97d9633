package io.tandem.common.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** reap_node.lua over {@link MemoryState}: one batch of cleanup after one dead gateway node. */
final class MemoryReaper {
  private final MemoryState s;

  MemoryReaper(MemoryState state) {
    this.s = state;
  }

  /**
   * null when no node is dead, or while the store recovers from a stall (no reap step for longer
   * than the ttl: every heartbeat looks old at once, so every node gets a full ttl to beat again).
   * Users in a live call go to the grace window; the others are removed.
   */
  Reaped reap(long ttl, int batch, long graceMs) {
    long now = s.now();
    long last = s.storeClock;
    s.storeClock = now;
    if (last > 0 && now - last > ttl) {
      s.stallAt = now;
      s.stallExpiresAt = now + 2 * ttl;
      return null;
    }
    long cutoff = now - ttl;
    if (s.stall(now) > cutoff) return null;
    List<String> dead = s.nodes.upTo(cutoff, 1);
    if (dead.isEmpty()) return null;
    String node = dead.get(0);
    long removed = 0;
    List<EndedCall> ended = new ArrayList<>();
    List<Graced> graced = new ArrayList<>();
    for (String uid : pop(node, batch)) {
      MemoryUser h = s.users.get(uid);
      if (h == null || !node.equals(h.node) || h.conn == null) continue;
      removed++;
      Graced g = s.toGrace(uid, graceMs, now);
      if (g != null) {
        graced.add(g);
      } else {
        EndedCall r = s.removeUser(uid);
        if (r != null) ended.add(r);
      }
    }
    if (!s.nodeUsers.containsKey(node)) s.nodes.remove(node);
    return new Reaped(node, removed, ended, graced);
  }

  /** SPOP node's users, batch: up to {@code batch} of them, taken out of the set. */
  private List<String> pop(String node, int batch) {
    List<String> out = new ArrayList<>();
    Set<String> set = s.nodeUsers.get(node);
    if (set == null) return out;
    for (Iterator<String> it = set.iterator(); it.hasNext() && out.size() < batch; ) {
      out.add(it.next());
      it.remove();
    }
    if (set.isEmpty()) s.nodeUsers.remove(node);
    return out;
  }
}
