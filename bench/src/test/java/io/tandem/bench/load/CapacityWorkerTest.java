package io.tandem.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The socket ramp backs off a refused handshake (503) as the web client does. */
class CapacityWorkerTest {
  @Test
  void pausesDoubleWithJitterUpToTheCap() {
    assertEquals(1_000, CapacityWorker.busyPause(0, 0.5));
    assertEquals(2_000, CapacityWorker.busyPause(1, 0.5));
    assertEquals(4_000, CapacityWorker.busyPause(2, 0.5));
    assertEquals(800, CapacityWorker.busyPause(0, 0.0), "-20%");
    assertEquals(1_200, CapacityWorker.busyPause(0, 1.0), "+20%");
    assertEquals(CapacityWorker.BUSY_RETRY_CAP_MS, CapacityWorker.busyPause(3, 0.5));
    assertEquals(CapacityWorker.BUSY_RETRY_CAP_MS, CapacityWorker.busyPause(CapacityWorker.BUSY_RETRIES, 1.0), "never above the cap");
    for (int n = 0; n < CapacityWorker.BUSY_RETRIES; n++) assertTrue(CapacityWorker.busyPause(n, 0.0) >= 800);
  }
}
