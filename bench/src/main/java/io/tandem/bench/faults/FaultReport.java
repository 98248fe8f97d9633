package io.tandem.bench.faults;

import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.crowd.InvariantChecker;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Latency;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one fault cost: printed figures (times, counts; bounds shown, not asserted) and invariant
 * counts (each must be zero; the CI test asserts them), with the first violations in words.
 */
public final class FaultReport {
  public final String id;
  public final String title;
  /** Figures and invariants in the order taken, as table rows. */
  public final List<Check> rows = new ArrayList<>();
  /** Invariant → users (or calls, keys) violating it. */
  public final Map<String, Integer> violations = new LinkedHashMap<>();
  public final List<String> details = new ArrayList<>();
  public final JsonObject data = new JsonObject();
  public final List<String> notes = new ArrayList<>();

  public FaultReport(String id, String title) {
    this.id = id;
    this.title = title;
  }

  /** A figure without a bound. */
  public FaultReport figure(String metric, String measured) {
    rows.add(Check.info(metric, measured));
    return this;
  }

  /** A time next to its stated bound (printed PASS/MISS, never asserted); negative = never happened. */
  public FaultReport timeMs(String metric, double ms, double boundMs) {
    if (ms < 0) rows.add(new Check(metric, "≤ " + Latency.fmt(boundMs), "never (within the run)", Check.Verdict.MISS));
    else rows.add(Check.atMostMs(metric, ms, boundMs));
    data.put(key(metric), ms);
    return this;
  }

  /** A time without a bound; negative = never happened. */
  public FaultReport timeMs(String metric, double ms) {
    rows.add(Check.info(metric, ms < 0 ? "never (within the run)" : Latency.fmt(ms)));
    data.put(key(metric), ms);
    return this;
  }

  /** An invariant: {@code count} things violate it (0 = holds); {@code what} lists examples. */
  public FaultReport invariant(String name, int count, List<String> what) {
    violations.merge(name, count, Integer::sum);
    rows.add(new Check("INVARIANT " + name, "0", Integer.toString(count), count == 0 ? Check.Verdict.PASS : Check.Verdict.MISS));
    for (String w : what) if (details.size() < 3 * InvariantChecker.DETAILS_KEPT) details.add(name + ": " + w);
    return this;
  }

  /** The invariants of the end-of-fault audit. */
  public FaultReport audit(Crowd.Audit a) {
    Map<String, Integer> m = a.matching().counts();
    Map<String, Integer> s = a.sessions().violations();
    List<String> md = a.matching().details();
    List<String> sd = a.sessions().details();
    invariant("nobody matched twice", m.getOrDefault("matched-twice", 0), pick(md, "matched-twice"));
    invariant("every session pairs one caller and one callee", m.getOrDefault("session", 0), pick(md, "session"));
    invariant("nobody searching outside the queue (lost)", m.getOrDefault("lost", 0), pick(md, "lost"));
    invariant("nobody in the queue who is not searching (ghost)", m.getOrDefault("ghost", 0), pick(md, "ghost"));
    invariant("no session only one side knows", s.getOrDefault("one-sided-session", 0) + s.getOrDefault("ghost-call", 0),
        merge(pick(sd, "one-sided-session"), pick(sd, "ghost-call")));
    invariant("nobody stuck", s.getOrDefault("stuck", 0), pick(sd, "stuck"));
    Map<String, Integer> cls = a.sessions().classes();
    figure("users at the end: in a call / waiting / told to retry / idle / left / stuck", String.format(Locale.ROOT, "%d / %d / %d / %d / %d / %d",
        cls.get("in-call"), cls.get("waiting"), cls.get("told-to-retry"), cls.get("idle"), cls.get("left"), cls.get("stuck")));
    data.put("audit", a.toJson());
    return this;
  }

  /** The per-user keys left once everyone left. */
  public FaultReport leftovers(List<String> keys) {
    invariant("no keys left once everyone leaves", keys.size(), keys.stream().limit(InvariantChecker.DETAILS_KEPT).toList());
    data.put("leftoverKeys", new JsonArray(new ArrayList<>(keys)));
    return this;
  }

  public FaultReport note(String n) {
    notes.add(n);
    return this;
  }

  /** The invariants that do not hold, with counts, e.g. "nobody stuck: 36". */
  public List<String> failed() {
    List<String> out = new ArrayList<>();
    violations.forEach((k, v) -> {
      if (v > 0) out.add(k + ": " + v);
    });
    return out;
  }

  public JsonObject toJson() {
    JsonArray r = new JsonArray();
    rows.forEach(c -> r.add(c.toJson()));
    return new JsonObject().put("id", id).put("title", title).put("rows", r)
        .put("violations", new JsonObject(new LinkedHashMap<>(violations))).put("details", new JsonArray(details))
        .put("notes", new JsonArray(notes)).put("data", data);
  }

  private static List<String> pick(List<String> details, String kind) {
    return details.stream().filter(d -> d.startsWith(kind + ": ")).map(d -> d.substring(kind.length() + 2)).toList();
  }

  private static List<String> merge(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static String key(String metric) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : metric.toCharArray()) {
      if (Character.isLetterOrDigit(c)) {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      } else {
        up = b.length() > 0;
      }
    }
    return b.toString();
  }
}
