package io.tandem.gateway;

import io.tandem.common.MessageType;
import io.vertx.core.Vertx;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's periodic work: its heartbeat in the store, presence counts to searching sockets, and WebSocket pings. */
final class NodeTimers {
  private static final Logger LOG = LoggerFactory.getLogger(NodeTimers.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Presence presence;
  private final Registry registry;
  private long heartbeatTimer = -1;
  private long statsTimer = -1;
  private long pingTimer = -1;

  NodeTimers(Vertx vertx, GatewayConfig config, Presence presence, Registry registry) {
    this.vertx = vertx;
    this.config = config;
    this.presence = presence;
    this.registry = registry;
  }

  void start() {
    heartbeatTimer = vertx.setPeriodic(config.heartbeatMs(), t -> beat());
    statsTimer = vertx.setPeriodic(config.statsIntervalMs(), t -> pushStats());
    pingTimer = vertx.setPeriodic(config.pingIntervalMs(), t -> registry.all().forEach(Connection::ping));
  }

  void stop() {
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(statsTimer);
    vertx.cancelTimer(pingTimer);
  }

  /** A node declared dead meanwhile (missed heartbeats) closes its sockets so clients reconnect. */
  private void beat() {
    presence.heartbeat(false).onComplete(ar -> {
      if (ar.succeeded() && !ar.result()) {
        LOG.warn("node={} was declared dead (missed heartbeats); closing its sockets so clients reconnect", config.nodeId());
        registry.all().forEach(c -> c.close(CloseCodes.RESTART, "gateway restarting"));
      } else if (ar.failed()) {
        LOG.warn("heartbeat failed node={}: {}", config.nodeId(), ar.cause().toString());
      }
    });
  }

  private void pushStats() {
    List<Connection> searching = registry.all().stream().filter(c -> c.call().searching()).toList();
    if (searching.isEmpty()) return;
    presence.stats().onSuccess(stats -> {
      String frame = ServerFrames.of(MessageType.STATS, stats);
      searching.stream().filter(c -> c.call().searching()).forEach(c -> c.send(frame));
    });
  }
}
