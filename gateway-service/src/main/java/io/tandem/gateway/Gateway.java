package io.tandem.gateway;

import io.tandem.common.Blocklist;
import io.tandem.common.Hashing;
import io.tandem.common.SafetyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

/** What every connection on this node shares. */
public record Gateway(Vertx vertx, GatewayConfig config, SafetyConfig safety, Presence presence, Registry registry,
                      TokenVerifier verifier, Hashing hashing, Blocklist blocks) {
  /** Options for requests to other services (bounded by {@code BUS_TIMEOUT_MS}). */
  public DeliveryOptions requestOptions() {
    return new DeliveryOptions().setSendTimeout(config.busTimeoutMs());
  }
}
