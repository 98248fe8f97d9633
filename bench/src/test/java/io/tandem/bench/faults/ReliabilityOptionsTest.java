package io.tandem.bench.faults;

import io.tandem.bench.run.Options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReliabilityOptionsTest {
  private static Options options(String... args) {
    Options o = new Options();
    new Reliability().declare(o);
    return o.parse(List.of(args));
  }

  @Test
  void theDefaultsAreTheIssuesSizesAndTheServicesTimings() {
    FaultEnv.Params p = Reliability.params(options());
    assertEquals(400, p.burst());
    assertEquals(20_000, p.freezeMs());
    assertEquals(8_000, p.deadGateway().toMillis(), "NODE_TTL_MS + SWEEP_INTERVAL_MS + slack");
    assertEquals(5_000, p.unavailable().toMillis(), "BUS_TIMEOUT_MS + slack");
    assertEquals(7_000, p.storeUnavailable().toMillis(), "BUS_TIMEOUT_MS + REDIS_TIMEOUT_MS + slack");
    assertEquals(Reliability.FAULTS, Reliability.faults(options().str("faults")).stream().map(Fault::id).toList());
    assertEquals("5000", Reliability.serviceEnv(p).get("NODE_TTL_MS"));
    assertEquals("3000", Reliability.serviceEnv(p).get("BUS_TIMEOUT_MS"));
  }

  @Test
  void durationsAreParameters() {
    FaultEnv.Params p = Reliability.params(options("--freeze-seconds", "8", "--burst", "200", "--node-ttl-ms", "2000"));
    assertEquals(8_000, p.freezeMs());
    assertEquals(200, p.burst());
    assertEquals(5_000, p.deadGateway().toMillis());
    assertEquals("2000", Reliability.serviceEnv(p).get("NODE_TTL_MS"), "the services get the value the bound is computed from");
  }

  @Test
  void badInputGetsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reliability.faults("redis-freeze,meteor-strike"));
    assertTrue(e.getMessage().contains("meteor-strike") && e.getMessage().contains("redis-restart"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Reliability.faults(" , "));
    assertThrows(IllegalArgumentException.class, () -> Reliability.params(options("--burst", "1")));
    assertThrows(IllegalArgumentException.class, () -> options("--freeze", "8"));
  }
}
