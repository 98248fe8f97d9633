package io.tandem.common;

import io.vertx.core.Future;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Readiness checks of this process, registered by the verticles that own them (Redis reachable,
 * gateway not draining…) and run by {@link MonitorVerticle} at {@code /health/ready}.
 */
public final class Health {
  private static final Map<String, Supplier<Future<?>>> CHECKS = new ConcurrentHashMap<>();

  private Health() {}

  /** Adds (or replaces) a named check; it fails or returns a failed future when not ready. */
  public static void register(String name, Supplier<Future<?>> check) {
    CHECKS.put(name, check);
  }

  public static void unregister(String name) {
    CHECKS.remove(name);
  }

  /** A snapshot of the registered checks. */
  public static Map<String, Supplier<Future<?>>> checks() {
    return Map.copyOf(CHECKS);
  }
}
