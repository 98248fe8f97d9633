package io.tandem.bench.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What happened in each second after a gateway was killed: handshakes started, sockets opened on the surviving gateway,
 * handshakes it refused (503) or that failed otherwise, calls' users resumed, {@code session-gone} answers.
 */
final class StormTimeline {
  /** Seconds tracked; later events count in the last one. */
  static final int SECONDS = 120;

  enum Kind { ATTEMPTED, CONNECTED, REFUSED, FAILED, RESUMED, GONE }

  private final long t0;
  private final AtomicIntegerArray[] counts = new AtomicIntegerArray[Kind.values().length];

  StormTimeline(long t0) {
    this.t0 = t0;
    for (int i = 0; i < counts.length; i++) counts[i] = new AtomicIntegerArray(SECONDS);
  }

  void add(Kind k, long nanos) {
    int s = (int) Math.max(0, Math.min(SECONDS - 1, (nanos - t0) / 1_000_000_000L));
    counts[k.ordinal()].incrementAndGet(s);
  }

  int at(Kind k, int second) {
    return counts[k.ordinal()].get(second);
  }

  int total(Kind k) {
    int n = 0;
    for (int s = 0; s < SECONDS; s++) n += at(k, s);
    return n;
  }

  int peak(Kind k) {
    int p = 0;
    for (int s = 0; s < SECONDS; s++) p = Math.max(p, at(k, s));
    return p;
  }

  /** The last second with any event, +1 (0 when none). */
  int span() {
    int last = 0;
    for (int s = 0; s < SECONDS; s++) {
      for (Kind k : Kind.values()) if (at(k, s) > 0) last = s + 1;
    }
    return last;
  }

  String table() {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%6s %10s %10s %10s %10s %10s %12s%n", "second", "attempts", "connects",
        "refused", "failed", "resumes", "session-gone"));
    for (int s = 0; s < span(); s++) {
      b.append(String.format(Locale.ROOT, "%6d %10d %10d %10d %10d %10d %12d%n", s, at(Kind.ATTEMPTED, s), at(Kind.CONNECTED, s), at(Kind.REFUSED, s),
          at(Kind.FAILED, s), at(Kind.RESUMED, s), at(Kind.GONE, s)));
    }
    return b.toString();
  }

  JsonArray toJson() {
    JsonArray a = new JsonArray();
    for (int s = 0; s < span(); s++) {
      a.add(new JsonObject().put("second", s).put("attempts", at(Kind.ATTEMPTED, s)).put("connects", at(Kind.CONNECTED, s)).put("refused503", at(Kind.REFUSED, s))
          .put("failed", at(Kind.FAILED, s)).put("resumes", at(Kind.RESUMED, s)).put("sessionGone", at(Kind.GONE, s)));
    }
    return a;
  }
}
