package io.tandem.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  @Test
  void intendedTimesAreEvenlySpaced() {
    Schedule s = new Schedule(1_000, 1000, 5000);
    assertEquals(1_000, s.intendedNanos(0));
    assertEquals(1_000 + 1_000_000, s.intendedNanos(1));
    assertEquals(1_000 + 4_999_000_000L, s.intendedNanos(4999));
    assertEquals(5.0, s.seconds(), 1e-9);
  }

  @Test
  void countForRateAndDuration() {
    assertEquals(20_000, Schedule.countFor(1000, 20));
    assertEquals(4, Schedule.countFor(3, 1.2), "3.6 events round to 4");
    assertEquals(0, Schedule.countFor(500, 0));
  }

  @Test
  void dueByIsExactlyTheEventsWhoseTimeHasCome() {
    Schedule s = new Schedule(7, 333.3, 10_000);
    assertEquals(0, s.dueBy(6));
    assertEquals(1, s.dueBy(7));
    Random r = new Random(42);
    for (int k = 0; k < 10_000; k++) {
      long now = 7 + (long) (r.nextDouble() * 35e9);
      long due = s.dueBy(now);
      assertTrue(due >= 0 && due <= s.count());
      if (due > 0) assertTrue(s.intendedNanos(due - 1) <= now, "event " + (due - 1) + " is due at " + now);
      if (due < s.count()) assertTrue(s.intendedNanos(due) > now, "event " + due + " is not due yet at " + now);
    }
    assertEquals(s.count(), s.dueBy(Long.MAX_VALUE / 2));
  }

  @Test
  void latencyFromIntendedTimeChargesAStalledSender() {
    // a sender that stalls 100 ms at event 0 and then sends everything at once: measured from the
    // intended times, the queued events carry the stall (coordinated omission avoided)
    Schedule s = new Schedule(0, 1000, 100);
    long stalledUntil = 100_000_000L;
    Latency l = new Latency();
    for (int i = 0; i < 100; i++) l.recordNanos(stalledUntil + 1_000_000L - s.intendedNanos(i));
    assertEquals(101, l.summary().max(), 0.2);
    assertTrue(l.summary().p50() > 40, "median reflects the stall: " + l.summary().p50());
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new Schedule(0, 10, -1));
  }
}
