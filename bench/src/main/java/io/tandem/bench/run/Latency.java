package io.tandem.bench.run;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution in nanoseconds (HdrHistogram, 3 significant digits), safe to record from
 * several threads, summarized in milliseconds. Values above {@link #MAX_NANOS} are clamped (and
 * counted in {@link #clamped()}), never dropped.
 */
public final class Latency {
  /** Largest value tracked exactly; larger ones are recorded as this. */
  public static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(120);

  private final Histogram histogram = new ConcurrentHistogram(MAX_NANOS, 3);
  private final java.util.concurrent.atomic.LongAdder clamped = new java.util.concurrent.atomic.LongAdder();

  /** Records one value; negative values (clock noise) count as zero. */
  public void recordNanos(long nanos) {
    if (nanos > MAX_NANOS) {
      clamped.increment();
      nanos = MAX_NANOS;
    }
    histogram.recordValue(Math.max(0, nanos));
  }

  public long count() {
    return histogram.getTotalCount();
  }

  public long clamped() {
    return clamped.sum();
  }

  /** Adds every value of another distribution (e.g. decoded from a worker process). */
  public void add(Histogram other) {
    histogram.add(other);
  }

  public Histogram histogram() {
    return histogram;
  }

  public Summary summary() {
    return Summary.of(histogram);
  }

  /** Percentiles of one distribution, milliseconds. All zero when nothing was recorded. */
  public record Summary(long count, double min, double mean, double p50, double p90, double p95, double p99,
                        double p999, double max) {
    /** Labels of the percentile columns, in the order of {@link #percentiles()}. */
    public static final String[] LABELS = {"p50", "p90", "p95", "p99", "p99.9", "max"};

    public static Summary of(Histogram h) {
      if (h.getTotalCount() == 0) return new Summary(0, 0, 0, 0, 0, 0, 0, 0, 0);
      return new Summary(h.getTotalCount(), ms(h.getMinValue()), h.getMean() / 1e6,
          ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(95)),
          ms(h.getValueAtPercentile(99)), ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }

    /** p50, p90, p95, p99, p99.9, max (milliseconds), as labelled by {@link #LABELS}. */
    public double[] percentiles() {
      return new double[] {p50, p90, p95, p99, p999, max};
    }

    public JsonObject toJson() {
      return new JsonObject().put("count", count).put("minMs", round(min)).put("meanMs", round(mean))
          .put("p50Ms", round(p50)).put("p90Ms", round(p90)).put("p95Ms", round(p95)).put("p99Ms", round(p99))
          .put("p999Ms", round(p999)).put("maxMs", round(max));
    }

    /** One line: {@code n=… p50=… p95=… p99=… max=…}. */
    public String line() {
      return String.format(Locale.ROOT, "n=%d p50=%s p90=%s p95=%s p99=%s p99.9=%s max=%s", count,
          fmt(p50), fmt(p90), fmt(p95), fmt(p99), fmt(p999), fmt(max));
    }

    static double round(double v) {
      return Math.round(v * 1000.0) / 1000.0;
    }
  }

  /** Milliseconds with a precision that suits the magnitude. */
  public static String fmt(double ms) {
    if (ms >= 100) return String.format(Locale.ROOT, "%.0f ms", ms);
    if (ms >= 10) return String.format(Locale.ROOT, "%.1f ms", ms);
    return String.format(Locale.ROOT, "%.2f ms", ms);
  }
}
