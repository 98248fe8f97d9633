package io.tandem.gateway;

import io.tandem.common.Limits;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket-serving part of a gateway, deployed once per event loop ({@code GATEWAY_EVENT_LOOPS}
 * instances): every instance listens on the same port and Vert.x hands each new connection to the
 * next instance in turn. An instance owns the sockets it accepted ({@link SocketLoop}): their
 * handshake ({@link Admission}), {@link Connection} and call state run on its loop only. What is
 * per process (node identity, heartbeat, deliveries, timers) is in {@link GatewayVerticle}.
 */
final class SocketVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SocketVerticle.class);

  private final GatewayNode node;
  private final int index;
  private SocketLoop loop;
  private Admission admission;
  private HttpServer server;

  SocketVerticle(GatewayNode node, int index) {
    this.node = node;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = node.config();
    Registry registry = node.registry();
    loop = new SocketLoop(context, index);
    SocketOpener opener = new SocketOpener(vertx, loop, registry, node.presence(),
        new SocketCleanup(vertx, node.presence(), registry::draining), node.dispatcher(), config.maxFrameBytes());
    admission = new Admission(node.safety(), config.allowedOrigins(), node.hashing(), node.handshakeLimiter(), node.verifier(),
        node.blocks(), registry::draining, opener, node.gate());
    server = vertx.createHttpServer(serverOptions(config))
        .webSocketHandshakeHandler(admission::onHandshake)
        .webSocketHandler(admission::onSocket)
        .requestHandler(HttpRoutes.router(vertx, config, node.safety(), node.redis(), node.presence(), node.hashing()));
    return server.listen(node.listenPort()).onSuccess(s -> {
      GatewayMetrics.pendingHandshakes(admission.pending());
      LOG.info("gateway node={} {} listening port={}", config.nodeId(), loop, s.actualPort());
    });
  }

  static HttpServerOptions serverOptions(GatewayConfig config) {
    int hardLimit = config.maxFrameBytes() * Limits.WS_HARD_LIMIT_FACTOR;
    return new HttpServerOptions()
        .setWebSocketSubProtocols(List.of(Handshake.SUBPROTOCOL))
        .setMaxWebSocketFrameSize(hardLimit)
        .setMaxWebSocketMessageSize(hardLimit)
        // No permessage-deflate / per-frame compression: signaling frames are small, and with
        // compression every size limit would apply to the compressed bytes (a 32 KB frame can
        // inflate to 32 MB on the event loop). Clients that offer it get an uncompressed socket.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setRegisterWebSocketWriteHandlers(false)
        .setReadIdleTimeout(config.idleTimeoutSeconds());
  }

  /** The port actually bound (useful with port 0). */
  int actualPort() {
    return server.actualPort();
  }

  /**
   * Drains this loop's sockets (see {@link Drain}), then closes the server. Runs before the node
   * part stops (the instances are its child deployment), so deliveries still reach sockets while
   * they close, and the node leaves the live set only after its sockets are cleaned up.
   */
  @Override
  public Future<?> stop() {
    if (loop == null) return Future.succeededFuture();
    return Drain.closeSockets(node.registry(), loop, node.config().nodeId())
        .transform(ar -> server == null ? Future.succeededFuture() : server.close())
        .andThen(ar -> {
          if (admission != null) GatewayMetrics.forgetHandshakes(admission.pending());
        });
  }
}
