package io.tandem.common.store;

import io.tandem.common.ErrorCode;
import io.tandem.common.Languages;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.tandem.common.msg.UserRef;
import io.tandem.common.msg.Wishes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** join.lua and sweep_pairs.lua over {@link MemoryState}: one pairing step with one set of {@link MatchRules}. */
final class MemoryJoin {
  private final MemoryState s;
  private final MemoryMatching m;
  private final MatchRules rules;
  private final long now;
  private MemoryMatching.Waiting best;
  private MemoryMatching.Fit bestFit;

  MemoryJoin(MemoryState state, MemoryMatching matching, MatchRules rules) {
    this.s = state;
    this.m = matching;
    this.rules = rules;
    this.now = state.now();
  }

  /**
   * The joiner enters the queue (keeping its place on a repeated join), then the oldest compatible
   * waiting user is looked for: the front of the queue, else the front of each of the joiner's
   * language indexes, then of its interest indexes (or of the no-interest index). Stale entries met are removed from that index.
   */
  JoinOutcome join(UserRef user, Wishes wishes, String sid) {
    String uid = user.userId();
    MemoryUser u = s.registered(user);
    if (u == null) throw new TandemException(ErrorCode.GONE);
    if (u.session != null) {
      if (s.session(u.session) != null) throw new TandemException(ErrorCode.IN_SESSION);
      u.session = null;
    }
    MemoryMatching.Waiting me = m.enqueue(uid, u, String.join(Limits.INTEREST_SEPARATOR, wishes.interests()),
        Languages.join(wishes.languages()), now);
    consider(me, s.queue, s.queue::remove);
    if (best == null) {
      for (String l : wishes.languages()) consider(me, s.languageIndex(l), c -> s.unindexLanguage(l, c));
      List<String> mine = MemoryState.split(me.interests());
      for (String i : mine) consider(me, s.index(i), c -> s.unindex(i, c));
      if (mine.isEmpty()) consider(me, s.plain, s.plain::remove);
    }
    if (best == null) return JoinOutcome.QUEUED;
    return new JoinOutcome.Paired(m.pair(sid, best, me, bestFit, now));
  }

  /** Scans the front of one index; stops at its first compatible entry (kept when older than the best so far). */
  private void consider(MemoryMatching.Waiting me, Ranked key, Consumer<String> removeStale) {
    for (String c : key.first(rules.scanMax())) {
      if (c.equals(me.id())) continue;
      if (m.stale(c)) {
        removeStale.accept(c);
        continue;
      }
      MemoryMatching.Waiting w = m.waiting(c, now, rules.nodeTtlMs());
      if (w == null) continue;
      MemoryMatching.Fit fit = m.compatible(me, w, now, rules.relaxMs(), rules.cooldownMs(), false);
      if (fit != null) {
        if (best == null || w.seq() < best.seq()) {
          best = w;
          bestFit = fit;
        }
        return;
      }
    }
  }

  /**
   * Backup pairing: the oldest scanMax live entries, greedily, each with the oldest compatible
   * younger one (at most one pair per session id). Stale entries are removed from the queue.
   */
  Sweep sweep(List<String> sessionIds) {
    List<MemoryMatching.Waiting> live = new ArrayList<>();
    long removed = 0;
    for (String c : s.queue.first(rules.scanMax())) {
      if (m.stale(c)) {
        removed++;
        s.queue.remove(c);
        s.plain.remove(c);
      } else {
        MemoryMatching.Waiting w = m.waiting(c, now, rules.nodeTtlMs());
        if (w != null) live.add(w);
      }
    }
    boolean onlyTwo = live.size() == 2 && s.queue.size() == 2;
    List<Pairing> made = new ArrayList<>();
    boolean[] used = new boolean[live.size()];
    for (int i = 0; i < live.size() && made.size() < sessionIds.size(); i++) {
      if (used[i]) continue;
      for (int j = i + 1; j < live.size(); j++) {
        if (used[j]) continue;
        MemoryMatching.Fit fit = m.compatible(live.get(i), live.get(j), now, rules.relaxMs(), rules.cooldownMs(), onlyTwo);
        if (fit != null) {
          used[i] = true;
          used[j] = true;
          made.add(m.pair(sessionIds.get(made.size()), live.get(i), live.get(j), fit, now));
          break;
        }
      }
    }
    return new Sweep(made, removed, s.queue.size());
  }
}
