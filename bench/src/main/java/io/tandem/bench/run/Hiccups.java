package io.tandem.bench.run;

/**
 * The load generator's own hiccups (as jHiccup measures them): a thread that sleeps 1 ms over and
 * over and records how much later than asked it woke up. A long hiccup means the bench process (or
 * the whole machine) stalled, so latencies measured across it are not only the services' doing.
 */
public final class Hiccups {
  private static final long STEP_NANOS = 1_000_000L;
  private static volatile Latency current = new Latency();

  static {
    Thread t = new Thread(Hiccups::loop, "bench-hiccup-meter");
    t.setDaemon(true);
    t.start();
  }

  private Hiccups() {}

  private static void loop() {
    while (true) {
      long t0 = System.nanoTime();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
      current.recordNanos(Math.max(0, System.nanoTime() - t0 - STEP_NANOS));
    }
  }

  /** Starts a new measuring window; returns the previous one's distribution. */
  public static Latency reset() {
    Latency old = current;
    current = new Latency();
    return old;
  }
}
