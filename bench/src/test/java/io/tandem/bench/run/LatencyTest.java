package io.tandem.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyTest {
  @Test
  void percentilesOfAKnownDistribution() {
    Latency l = new Latency();
    for (int ms = 1; ms <= 1000; ms++) l.recordNanos(ms * 1_000_000L);
    Latency.Summary s = l.summary();
    assertEquals(1000, s.count());
    assertEquals(500, s.p50(), 1.0, "p50 of 1..1000 ms");
    assertEquals(990, s.p99(), 1.0, "p99 of 1..1000 ms");
    assertEquals(999, s.p999(), 1.0, "p99.9 of 1..1000 ms");
    assertEquals(1000, s.max(), 1.0);
    assertEquals(1, s.min(), 0.01);
    assertEquals(500.5, s.mean(), 1.0);
  }

  @Test
  void oneSlowOutlierShowsInTheTailNotTheMedian() {
    Latency l = new Latency();
    for (int i = 0; i < 999; i++) l.recordNanos(2_000_000L);
    l.recordNanos(3_000_000_000L);
    Latency.Summary s = l.summary();
    assertEquals(2.0, s.p50(), 0.01);
    assertEquals(2.0, s.p99(), 0.01);
    assertEquals(3000, s.max(), 3.0);
  }

  @Test
  void hugeAndNegativeValuesAreClampedNotDropped() {
    Latency l = new Latency();
    l.recordNanos(-5);
    l.recordNanos(Latency.MAX_NANOS * 10);
    assertEquals(2, l.count());
    assertEquals(1, l.clamped());
    assertEquals(0, l.summary().min(), 0.0);
  }

  @Test
  void emptyIsAllZero() {
    Latency.Summary s = new Latency().summary();
    assertEquals(0, s.count());
    assertEquals(0, s.p99(), 0.0);
  }

  @Test
  void checksCompareAgainstTheirTargets() {
    assertEquals(Check.Verdict.PASS, Check.atMostMs("x", 9.9, 10).verdict());
    assertEquals(Check.Verdict.MISS, Check.atMostMs("x", 10.1, 10).verdict());
    assertEquals(Check.Verdict.PASS, Check.atLeast("x", 3000, 3000, "/s").verdict());
    assertEquals(Check.Verdict.MISS, Check.atLeast("x", 2999, 3000, "/s").verdict());
    assertEquals(Check.Verdict.MISS, Check.zero("x", 1).verdict());
    String table = Check.table(List.of(Check.atMostMs("time to match p99", 12, 10), Check.zero("lost", 0)));
    assertTrue(table.contains("MISS"), table);
    assertTrue(table.contains("PASS"), table);
  }

  @Test
  void svgHasOneLinePerSeries() {
    Latency a = new Latency();
    Latency b = new Latency();
    for (int i = 1; i <= 100; i++) {
      a.recordNanos(i * 100_000L);
      b.recordNanos(i * 1_000_000L);
    }
    String svg = Svg.percentileChart("t", "s", List.of(new Svg.Series("a", a.summary()), new Svg.Series("b<&>", b.summary())),
        List.of(new Svg.TargetLine("5 ms", 5)));
    assertEquals(2, svg.split("<polyline").length - 1);
    assertTrue(svg.contains("b&lt;&amp;&gt;"));
    assertTrue(svg.startsWith("<svg") && svg.trim().endsWith("</svg>"));
  }
}
