package io.tandem.bench.run;

/**
 * A constant-rate arrival schedule: event {@code i} is intended at
 * {@code startNanos + i * 1e9 / ratePerSecond}. Latencies are measured from these intended times, not
 * from when the sender got round to sending, so a stalled sender shows up in the numbers
 * (no coordinated omission).
 *
 * @param startNanos intended time of event 0 ({@link System#nanoTime()} clock)
 * @param ratePerSecond events per second, &gt; 0
 * @param count number of events, &ge; 0
 */
public record Schedule(long startNanos, double ratePerSecond, long count) {
  public Schedule {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) throw new IllegalArgumentException("rate must be > 0, got " + ratePerSecond);
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
  }

  /** The schedule of {@code rate} events per second for {@code seconds} seconds. */
  public static Schedule of(long startNanos, double ratePerSecond, double seconds) {
    return new Schedule(startNanos, ratePerSecond, countFor(ratePerSecond, seconds));
  }

  /** How many events {@code rate} per second for {@code seconds} seconds make (rounded). */
  public static long countFor(double ratePerSecond, double seconds) {
    if (seconds < 0) throw new IllegalArgumentException("seconds must be >= 0");
    return Math.round(ratePerSecond * seconds);
  }

  /** Intended time of event {@code i}. */
  public long intendedNanos(long i) {
    return startNanos + (long) Math.floor(i * 1e9 / ratePerSecond);
  }

  /** Number of events whose intended time is at or before {@code nowNanos} (capped at {@link #count}). */
  public long dueBy(long nowNanos) {
    if (nowNanos < startNanos || count == 0) return 0;
    long n = (long) Math.floor((nowNanos - startNanos) * ratePerSecond / 1e9) + 1;
    // floating point: settle on the exact boundary
    while (n > 0 && intendedNanos(n - 1) > nowNanos) n--;
    while (n < count && intendedNanos(n) <= nowNanos) n++;
    return Math.min(n, count);
  }

  /** Intended time just after the last event (the nominal end of the schedule). */
  public long endNanos() {
    return intendedNanos(count);
  }

  /** Nominal duration in seconds. */
  public double seconds() {
    return count / ratePerSecond;
  }
}
