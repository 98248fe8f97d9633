package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code VERTX_METRICS}: which Vert.x metric categories a process records. */
class TelemetryTest {
  @Test
  void defaultRecordsOnlyThePools() {
    assertEquals(Set.of(io.vertx.micrometer.MetricsDomain.NAMED_POOLS.toCategory()), Telemetry.domains(Telemetry.DEFAULT_DOMAINS));
  }

  @Test
  void namesListOrNone() {
    assertEquals(Set.of(), Telemetry.domains("none"));
    assertEquals(Set.of(io.vertx.micrometer.MetricsDomain.HTTP_SERVER.toCategory(), "redis"),
        Telemetry.domains(" http-server , Redis-Client "));
    assertEquals(Set.copyOf(Telemetry.DOMAINS.values()), Telemetry.domains(String.join(",", Telemetry.DOMAINS.keySet())));
  }

  @Test
  void unknownNameIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Telemetry.domains("http-server,eventbus"));
    assertTrue(e.getMessage().contains("VERTX_METRICS") && e.getMessage().contains("'eventbus'") && e.getMessage().contains("event-bus"),
        e.getMessage());
  }

  @Test
  void aProcessStartsWithTheChosenCategories() {
    io.vertx.core.Vertx vertx = Telemetry.vertxBuilder(new io.vertx.core.VertxOptions(), Env.with(Map.of("VERTX_METRICS", "event-bus"))).build();
    try {
      assertTrue(vertx.isMetricsEnabled());
    } finally {
      vertx.close().await();
    }
  }
}
