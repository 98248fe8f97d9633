package io.tandem.bench.load;

import io.tandem.bench.run.Options;
import io.tandem.common.Ids;
import io.tandem.common.PowSchedule;
import io.tandem.common.ProofOfWork;
import java.util.List;
import java.util.Locale;

/**
 * What the proof of work of {@code POST /auth/token} costs one core in Java (the reference solver,
 * {@link ProofOfWork#solveFrom}, on challenges of the real format): SHA-256 tries per second, tokens
 * per second at each difficulty (measured by solving, and expected from the rate), and the CPU time
 * of 1,000 quick tokens from one network under {@link PowSchedule}.
 * <p>
 * {@code java -cp bench/target/bench-all.jar io.tandem.bench.PowCost [--seconds 3]}. Prints a table
 * and one JSON line. A native or GPU solver is faster than this; the figure is a floor for Java.
 */
public final class PowCost {
  private PowCost() {}

  public static void main(String[] args) {
    Options o = new Options().declare("seconds", "3", "measuring time per difficulty (after a warm-up)").parse(List.of(args));
    double seconds = o.decimal("seconds", 0.2, 120);
    solveFor(12, seconds); // warm-up
    long tries = 0;
    long nanos = 0;
    StringBuilder json = new StringBuilder("{\"difficulties\":{");
    System.out.println("bits  tokens/s (measured)  tokens/s (expected from the rate)  solves");
    int[] bits = {8, 10, 12, 14, 15, 16, 18, 20};
    double[] measured = new double[bits.length];
    int[] solves = new int[bits.length];
    for (int i = 0; i < bits.length; i++) {
      long[] r = solveFor(bits[i], seconds);
      solves[i] = (int) r[0];
      measured[i] = r[0] / (r[2] / 1e9);
      tries += r[1];
      nanos += r[2];
    }
    double rate = tries / (nanos / 1e9);
    for (int i = 0; i < bits.length; i++) {
      double expected = rate / Math.pow(2, bits[i]);
      System.out.printf(Locale.ROOT, "%4d  %19.1f  %33.1f  %6d%n", bits[i], measured[i], expected, solves[i]);
      json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "\"%d\":{\"tokensPerSecond\":%.2f,\"expected\":%.2f,\"solves\":%d}",
          bits[i], measured[i], expected, solves[i]));
    }
    double thousand = 0;
    for (int n = 1; n <= 1000; n++) thousand += Math.pow(2, PowSchedule.difficulty(PowSchedule.BASE_DIFFICULTY, n));
    double cpuMinutes = thousand / rate / 60;
    System.out.printf(Locale.ROOT, "SHA-256 tries per second, one core: %.0f%n", rate);
    System.out.printf(Locale.ROOT, "1,000 quick tokens from one network (base %d, schedule of PowSchedule): %.2e hashes = %.1f CPU-minutes%n",
        PowSchedule.BASE_DIFFICULTY, thousand, cpuMinutes);
    System.out.printf(Locale.ROOT, "a person's first token (base %d): %.1f ms in Java on average%n",
        PowSchedule.BASE_DIFFICULTY, Math.pow(2, PowSchedule.BASE_DIFFICULTY) / rate * 1000);
    json.append(String.format(Locale.ROOT, "},\"hashesPerSecond\":%.0f,\"thousandTokensHashes\":%.4e,\"thousandTokensCpuMinutes\":%.2f}",
        rate, thousand, cpuMinutes));
    System.out.println(json);
  }

  /** Solves fresh challenges at {@code bits} for about {@code seconds}: {solves, tries, nanos}. */
  private static long[] solveFor(int bits, double seconds) {
    long solves = 0;
    long tries = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end || solves < 3) {
      String challenge = "t1." + bits + ".1800000000." + Ids.random("", 32) + "." + Ids.random("", 16);
      tries += ProofOfWork.solveFrom(challenge, bits, 0) + 1;
      solves++;
    }
    return new long[] {solves, tries, System.nanoTime() - start};
  }
}
