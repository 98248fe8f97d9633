package io.tandem.gateway.node;

import io.tandem.gateway.presence.Presence;
import io.tandem.gateway.socket.Registry;

import io.tandem.gateway.GatewayConfig;
import io.tandem.gateway.protocol.ServerFrames;
import io.tandem.gateway.protocol.CloseCodes;
import io.tandem.gateway.socket.Connection;

import io.tandem.common.MessageType;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's periodic work: its heartbeat in the store, presence counts to searching sockets, and
 * WebSocket pings. Pings and presence pushes visit the sockets in slices ({@link SocketSweep}), never
 * all of them in one event-loop task. The timers run once per process on the node's context; each
 * slice is handed to the sockets' own loops, one task per loop ({@link Connection#onTheirLoops}).
 */
public final class NodeTimers {
  private static final Logger LOG = LoggerFactory.getLogger(NodeTimers.class);

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Presence presence;
  private final Registry registry;
  private long heartbeatTimer = -1;
  private long statsTimer = -1;
  private long pingTimer = -1;
  private SocketSweep<Connection> pings;
  private SocketSweep<Connection> pushes;

  public NodeTimers(Vertx vertx, GatewayConfig config, Presence presence, Registry registry) {
    this.vertx = vertx;
    this.config = config;
    this.presence = presence;
    this.registry = registry;
  }

  public void start() {
    // a round may take half its period: pings stay well inside the read-idle timeout, counts stay fresh
    pings = new SocketSweep<>(vertx, registry::iterator, registry::size, config.pingIntervalMs() / 2);
    pushes = new SocketSweep<>(vertx, registry::iterator, registry::size, config.statsIntervalMs() / 2);
    heartbeatTimer = vertx.setPeriodic(config.heartbeatMs(), t -> beat());
    statsTimer = vertx.setPeriodic(config.statsIntervalMs(), t -> pushStats());
    pingTimer = vertx.setPeriodic(config.pingIntervalMs(), t -> {
      if (!pings.startSlices(slice -> Connection.onTheirLoops(slice, Connection::ping))) LOG.debug("ping round still running; skipped one");
    });
  }

  public void stop() {
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(statsTimer);
    vertx.cancelTimer(pingTimer);
    if (pings != null) pings.stop();
    if (pushes != null) pushes.stop();
  }

  /** A node declared dead meanwhile (missed heartbeats) closes its sockets so clients reconnect. */
  private void beat() {
    presence.heartbeat(false).onComplete(ar -> {
      if (ar.succeeded() && !ar.result()) {
        LOG.warn("node={} was declared dead (missed heartbeats); closing its sockets so clients reconnect", config.nodeId());
        Connection.onTheirLoops(registry.all(), c -> c.close(CloseCodes.RESTART, "gateway restarting"));
      } else if (ar.failed()) {
        LOG.warn("heartbeat failed node={}: {}", config.nodeId(), ar.cause().toString());
      }
    });
  }

  /** One STATS read per period, written to the sockets searching at the time their slice comes. */
  private void pushStats() {
    if (pushes.running() || registry.size() == 0) return;
    presence.stats().onSuccess(stats -> {
      String frame = ServerFrames.of(MessageType.STATS, stats);
      pushes.startSlices(slice -> Connection.onTheirLoops(slice, c -> {
        if (c.call().searching()) c.send(frame);
      }));
    });
  }
}
