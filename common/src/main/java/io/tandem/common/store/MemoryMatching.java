package io.tandem.common.store;

import io.tandem.common.Languages;
import io.tandem.common.msg.UserRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The pairing rules of _prelude.lua (waiting, compatible, pair, enqueue) over {@link MemoryState}. */
final class MemoryMatching {
  /** A waiting user as a pairing step sees it. */
  record Waiting(String id, String conn, String node, String name, String interests, String languages, long queuedAt, long seq,
                 String dev) {}

  /** Why two users may be paired: their shared interests (maybe none) and shared language ("" when none). */
  record Fit(List<String> common, String language) {}

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
    return new Waiting(uid, u.conn, u.node, MemoryState.orEmpty(u.name), MemoryState.orEmpty(u.interests),
        MemoryState.orEmpty(u.languages), u.queuedAt, u.seq, MemoryState.orEmpty(u.dev));
  }

  /** Puts a registered user in the queue, or refreshes its interests and languages keeping its place. */
  Waiting enqueue(String uid, MemoryUser u, String interests, String languages, long now) {
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
    for (String l : Languages.split(languages)) s.languageIndexes.computeIfAbsent(l, k -> new Ranked()).add(uid, seq);
    u.queuedAt = queuedAt;
    u.seq = seq;
    u.interests = interests;
    u.languages = languages;
    return new Waiting(uid, u.conn, u.node, MemoryState.orEmpty(u.name), interests, languages, queuedAt, seq,
        MemoryState.orEmpty(u.dev));
  }

  /**
   * null when a and b must not be paired now, else why they may be. A pair that ended a call less than
   * cooldown ago is not paired again (unless onlyTwo and both waited past relax); two who both stated
   * languages must share one; then sharing an interest pairs, and two without interests pair; one who
   * waited past relax pairs with anyone.
   */
  Fit compatible(Waiting a, Waiting b, long now, long relax, long cooldown, boolean onlyTwo) {
    boolean aLong = now - a.queuedAt() >= relax;
    boolean bLong = now - b.queuedAt() >= relax;
    Long ended = s.pairEndedAt(a.id(), b.id());
    if (ended != null && now - ended < cooldown && !(onlyTwo && aLong && bLong)) return null;
    String language = commonLanguage(a.languages(), b.languages());
    boolean relaxed = aLong || bLong;
    if (language.isEmpty() && !a.languages().isEmpty() && !b.languages().isEmpty() && !relaxed) return null;
    List<String> common = commonInterests(a.interests(), b.interests());
    if (!common.isEmpty() || (a.interests().isEmpty() && b.interests().isEmpty()) || relaxed) return new Fit(common, language);
    return null;
  }

  /** a's first language that b speaks too ("" when none). */
  private static String commonLanguage(String a, String b) {
    List<String> theirs = Languages.split(b);
    for (String l : Languages.split(a)) if (theirs.contains(l)) return l;
    return "";
  }

  private static List<String> commonInterests(String a, String b) {
    Set<String> mine = new LinkedHashSet<>(MemoryState.split(a));
    List<String> out = new ArrayList<>();
    for (String i : MemoryState.split(b)) if (mine.contains(i)) out.add(i);
    return out;
  }

  /** Pairs two waiting users (the one queued first is the caller) into a new pending session. */
  Pairing pair(String sid, Waiting x, Waiting y, Fit fit, long now) {
    List<String> common = fit.common();
    Waiting caller = y.seq() < x.seq() ? y : x;
    Waiting callee = caller == x ? y : x;
    s.dequeue(caller.id(), caller.interests());
    s.dequeue(callee.id(), callee.interests());
    s.createSession(sid, caller.id(), callee.id(), now);
    boolean relaxed = common.isEmpty() && (!caller.interests().isEmpty() || !callee.interests().isEmpty());
    return new Pairing(sid, ref(caller), caller.name(), ref(callee), callee.name(), List.copyOf(common),
        now - caller.queuedAt(), now - callee.queuedAt(), relaxed, caller.dev(), callee.dev(), fit.language());
  }

  private static UserRef ref(Waiting w) {
    return new UserRef(w.id(), w.conn(), w.node());
  }
}
