package io.tandem.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The same figures as the web client's reconnect-policy tests: the bench's users come back as a browser does. */
class ReconnectPolicyTest {
  @Test
  void backoffDoublesWithJitterBetweenItsFloorAndCap() {
    assertEquals(1_000, ReconnectPolicy.backoffDelay(0, 0.5, ReconnectPolicy.MAX_BACKOFF_MS));
    assertEquals(2_000, ReconnectPolicy.backoffDelay(1, 0.5, ReconnectPolicy.MAX_BACKOFF_MS));
    assertEquals(16_000, ReconnectPolicy.backoffDelay(4, 0.5, ReconnectPolicy.MAX_BACKOFF_MS));
    assertEquals(800, ReconnectPolicy.backoffDelay(0, 0.0, ReconnectPolicy.MAX_BACKOFF_MS), "-20%");
    assertEquals(1_200, ReconnectPolicy.backoffDelay(0, 1.0, ReconnectPolicy.MAX_BACKOFF_MS), "+20%");
    assertEquals(30_000, ReconnectPolicy.backoffDelay(10, 1.0, ReconnectPolicy.MAX_BACKOFF_MS), "never above the cap");
    assertEquals(400, ReconnectPolicy.backoffDelay(0, 0.0, 400), "a cap below the floor wins, as in the page");
  }

  @Test
  void aDroppedCallSocketComesBackQuicklyTwiceThenBacksOffAtTwoSeconds() {
    assertEquals(0, ReconnectPolicy.urgentDelay(true, 0, 0, 0.0));
    assertEquals(499, ReconnectPolicy.urgentDelay(true, 1, 0, 0.999));
    assertEquals(1_000, ReconnectPolicy.urgentDelay(true, 2, 0, 0.5), "past the quick tries: backoff");
    assertEquals(1_000, ReconnectPolicy.urgentDelay(false, 0, 0, 0.5), "an attempt that never opened backs off");
    assertEquals(2_000, ReconnectPolicy.urgentDelay(false, 0, 1, 0.5));
    assertEquals(2_000, ReconnectPolicy.urgentDelay(false, 0, 5, 1.0), "capped while the call waits");
    for (int a = 0; a < 10; a++) assertTrue(ReconnectPolicy.urgentDelay(false, 0, a, 0.0) >= 500);
  }
}
