package io.tandem.bench.run;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * One row of a result table: a measured value against its published target. {@code MISS} rows are
 * printed as such; nothing asserts them.
 *
 * @param metric what was measured
 * @param target the target in words ({@code "≤ 10 ms"}), or "-" for information only
 * @param measured the measured value in words
 * @param verdict PASS, MISS or INFO
 */
public record Check(String metric, String target, String measured, Verdict verdict) {
  /** Whether a measured value meets its target. */
  public enum Verdict { PASS, MISS, INFO }

  /** A latency that must be at most {@code limitMs}. */
  public static Check atMostMs(String metric, double measuredMs, double limitMs) {
    return new Check(metric, "≤ " + Latency.fmt(limitMs), Latency.fmt(measuredMs),
        measuredMs <= limitMs ? Verdict.PASS : Verdict.MISS);
  }

  /** A value that must be at most {@code limit} (unit in words). */
  public static Check atMost(String metric, double measured, double limit, String unit) {
    return new Check(metric, "≤ " + num(limit) + " " + unit, num(measured) + " " + unit,
        measured <= limit ? Verdict.PASS : Verdict.MISS);
  }

  /** A value that must be at least {@code limit} (unit in words). */
  public static Check atLeast(String metric, double measured, double limit, String unit) {
    return new Check(metric, "≥ " + num(limit) + " " + unit, num(measured) + " " + unit,
        measured >= limit ? Verdict.PASS : Verdict.MISS);
  }

  /** A count that must be zero. */
  public static Check zero(String metric, long measured) {
    return new Check(metric, "0", Long.toString(measured), measured == 0 ? Verdict.PASS : Verdict.MISS);
  }

  /** Information without a target. */
  public static Check info(String metric, String measured) {
    return new Check(metric, "-", measured, Verdict.INFO);
  }

  public boolean missed() {
    return verdict == Verdict.MISS;
  }

  public JsonObject toJson() {
    return new JsonObject().put("metric", metric).put("target", target).put("measured", measured).put("verdict", verdict.name());
  }

  /** A number without needless decimals. */
  public static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%,d", (long) v);
    if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
    if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** The rows as a fixed-width text table. */
  public static String table(List<Check> rows) {
    int w0 = "metric".length();
    int w1 = "target".length();
    int w2 = "measured".length();
    for (Check c : rows) {
      w0 = Math.max(w0, c.metric().length());
      w1 = Math.max(w1, c.target().length());
      w2 = Math.max(w2, c.measured().length());
    }
    String fmt = "%-" + w0 + "s  %-" + w1 + "s  %-" + w2 + "s  %s%n";
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, fmt, "metric", "target", "measured", "verdict"));
    b.append("-".repeat(w0 + w1 + w2 + 6 + 7)).append('\n');
    for (Check c : rows) {
      String v = c.verdict() == Verdict.MISS ? "MISS  <-- target missed" : c.verdict() == Verdict.PASS ? "PASS" : "";
      b.append(String.format(Locale.ROOT, fmt, c.metric(), c.target(), c.measured(), v));
    }
    return b.toString();
  }
}
