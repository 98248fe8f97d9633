package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Env;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code GATEWAY_EVENT_LOOPS}: its default, its bounds, and a clear error for a bad value. */
class GatewayConfigTest {
  @Test
  void eventLoopsAreConfiguredAndBadValuesAreRefusedClearly() {
    assertEquals(GatewayConfig.DEFAULT_EVENT_LOOPS, GatewayConfig.from(Env.with(Map.of())).eventLoops());
    assertTrue(GatewayConfig.DEFAULT_EVENT_LOOPS >= 1 && GatewayConfig.DEFAULT_EVENT_LOOPS <= GatewayConfig.MAX_EVENT_LOOPS);
    assertEquals(1, GatewayConfig.from(Env.with(Map.of("GATEWAY_EVENT_LOOPS", "1"))).eventLoops());
    for (String bad : List.of("0", "-2", Integer.toString(GatewayConfig.MAX_EVENT_LOOPS + 1), "many")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GatewayConfig.from(Env.with(Map.of("GATEWAY_EVENT_LOOPS", bad))));
      assertTrue(e.getMessage().startsWith("GATEWAY_EVENT_LOOPS must be"), e.getMessage());
    }
  }
}
