package io.tandem.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class RedisCommandStatsTest {
  private static final String BEFORE = "# Commandstats\r\n"
      + "cmdstat_evalsha:calls=100,usec=2000,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n"
      + "cmdstat_hmget:calls=300,usec=150,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n";
  private static final String AFTER = "# Commandstats\r\n"
      + "cmdstat_evalsha:calls=118,usec=2450,usec_per_call=20.76,rejected_calls=0,failed_calls=0\r\n"
      + "cmdstat_hmget:calls=360,usec=180,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n"
      + "cmdstat_info:calls=2,usec=40,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n";

  @Test
  void perCycleIsTheDifferenceDividedByCyclesMostCallsFirst() {
    JsonObject per = RedisCommandStats.parse(AFTER).perCycleSince(RedisCommandStats.parse(BEFORE), 2);
    assertEquals(java.util.List.of("hmget", "evalsha", "info"), java.util.List.copyOf(per.fieldNames()));
    assertEquals(30.0, per.getJsonObject("hmget").getDouble("calls"));
    assertEquals(15.0, per.getJsonObject("hmget").getDouble("usec"));
    assertEquals(9.0, per.getJsonObject("evalsha").getDouble("calls"));
    assertEquals(225.0, per.getJsonObject("evalsha").getDouble("usec"));
    assertEquals(1.0, per.getJsonObject("info").getDouble("calls"), "a command new since the first snapshot counts from zero");
    assertEquals("hmget 30.00 (15.0 µs), …", RedisCommandStats.line(per, 1));
  }

  @Test
  void unchangedCommandsAreLeftOut() {
    JsonObject per = RedisCommandStats.parse(BEFORE).perCycleSince(RedisCommandStats.parse(BEFORE), 5);
    assertEquals(0, per.size());
  }
}
