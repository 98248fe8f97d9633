package io.tandem.common.store;

import io.tandem.common.msg.UserRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The pairing rules of _prelude.lua (waiting, compatible, pair, enqueue) over {@link MemoryState}. */
final class MemoryMatching {
  /** A waiting user as a pairing step sees it. */
  record Waiting(String id, String conn, String node, String name, String interests, long queuedAt, long seq, String dev) {}

  private final MemoryState s;

  MemoryMatching(MemoryState state) {
    this.s = state;
  }

  /** A queue entry to remove: socket gone, in a call, or not queued. */
  boolean stale(String uid) {
    MemoryUser u = s.users.get(uid);
    return u == null || u.conn == null || u.session != null || u.queuedAt == null;
  }

  /** A live (not stale) waiting user, or null when its gateway looks dead (skipped, not removed). */
  Waiting waiting(String uid, long now, long ttl) {
    MemoryUser u = s.users.get(uid);
    Long beat = u.node == null ? null : s.nodes.score(u.node);
    if (beat == null || beat < now - ttl) return null;
    return new Waiting(uid, u.conn, u.node, MemoryState.orEmpty(u.name), MemoryState.orEmpty(u.interests), u.queuedAt, u.seq,
        MemoryState.orEmpty(u.dev));
  }

  /** Puts a registered user in the queue, or refreshes its interests keeping its place. */
  Waiting enqueue(String uid, MemoryUser u, String interests, long now) {
    Long seq = u.seq;
    Long queuedAt = u.queuedAt;
    if (seq != null) {
      s.dequeue(uid, MemoryState.orEmpty(u.interests));
    } else {
      seq = ++s.queueSeq;
      queuedAt = now;
    }
    s.queue.add(uid, seq);
    List<String> list = MemoryState.split(interests);
    if (list.isEmpty()) s.plain.add(uid, seq);
    for (String i : list) s.interestIndexes.computeIfAbsent(i, k -> new Ranked()).add(uid, seq);
    u.queuedAt = queuedAt;
    u.seq = seq;
    u.interests = interests;
    return new Waiting(uid, u.conn, u.node, MemoryState.orEmpty(u.name), interests, queuedAt, seq, MemoryState.orEmpty(u.dev));
  }

  /**
   * null when a and b must not be paired now, else their shared interests (maybe none). A pair that
   * ended a call less than cooldown ago is not paired again (unless onlyTwo and both waited past
   * relax); sharing an interest pairs; two without interests pair; one who waited past relax pairs with anyone.
   */
  List<String> compatible(Waiting a, Waiting b, long now, long relax, long cooldown, boolean onlyTwo) {
    boolean aLong = now - a.queuedAt() >= relax;
    boolean bLong = now - b.queuedAt() >= relax;
    Long ended = s.pairEndedAt(a.id(), b.id());
    if (ended != null && now - ended < cooldown && !(onlyTwo && aLong && bLong)) return null;
    List<String> common = commonInterests(a.interests(), b.interests());
    if (!common.isEmpty()) return common;
    if ((a.interests().isEmpty() && b.interests().isEmpty()) || aLong || bLong) return common;
    return null;
  }

  private static List<String> commonInterests(String a, String b) {
    Set<String> mine = new LinkedHashSet<>(MemoryState.split(a));
    List<String> out = new ArrayList<>();
    for (String i : MemoryState.split(b)) if (mine.contains(i)) out.add(i);
    return out;
  }

  /** Pairs two waiting users (the one queued first is the caller) into a new pending session. */
  Pairing pair(String sid, Waiting x, Waiting y, List<String> common, long now) {
    Waiting caller = y.seq() < x.seq() ? y : x;
    Waiting callee = caller == x ? y : x;
    s.dequeue(caller.id(), caller.interests());
    s.dequeue(callee.id(), callee.interests());
    s.createSession(sid, caller.id(), callee.id(), now);
    boolean relaxed = common.isEmpty() && (!caller.interests().isEmpty() || !callee.interests().isEmpty());
    return new Pairing(sid, ref(caller), caller.name(), ref(callee), callee.name(), List.copyOf(common),
        now - caller.queuedAt(), now - callee.queuedAt(), relaxed, caller.dev(), callee.dev());
  }

  private static UserRef ref(Waiting w) {
    return new UserRef(w.id(), w.conn(), w.node());
  }
}
