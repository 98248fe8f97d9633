package io.tandem.gateway.socket;

import io.tandem.gateway.GatewayConfig;
import io.tandem.gateway.GatewayMetrics;
import io.tandem.gateway.GatewayNode;
import io.tandem.gateway.GatewayVerticle;
import io.tandem.gateway.http.Admission;
import io.tandem.gateway.http.Handshake;
import io.tandem.gateway.http.HttpRoutes;
import io.tandem.gateway.node.Drain;
import io.tandem.gateway.node.Registry;

import io.tandem.common.Limits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket-serving part of a gateway on one event loop: an HTTP server on {@code GATEWAY_PORT}
 * (Vert.x shares the port among the loops' servers and hands each new connection to the next one
 * in turn), its {@link Admission} and {@link SocketOpener}. The sockets it accepts, their
 * {@link Connection} and call state, belong to its loop ({@link SocketLoop}). Loop 0 runs in the
 * node's own verticle ({@link GatewayVerticle}), the others each in a {@link SocketVerticle}.
 */
public final class SocketServer {
  private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

  private final Vertx vertx;
  private final GatewayNode node;
  private final SocketLoop loop;
  private Admission admission;
  private HttpServer server;

  /** @param context the (event-loop) context this loop's server and sockets run on */
  public SocketServer(Vertx vertx, Context context, GatewayNode node, int index) {
    this.vertx = vertx;
    this.node = node;
    this.loop = new SocketLoop(context, index);
  }

  SocketLoop loop() {
    return loop;
  }

  /** Starts listening (call on the loop's context). */
  public Future<HttpServer> start() {
    GatewayConfig config = node.config();
    Registry registry = node.registry();
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
      LOG.info("gateway node={} loop={} listening port={}", config.nodeId(), loop.index(), s.actualPort());
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

  /**
   * Drains this loop's sockets (see {@link Drain}; call on the loop's context), then closes the
   * server: its own close would send 1000, which clients obey instead of reconnecting.
   */
  public Future<Void> stop() {
    return Drain.closeSockets(node.registry(), loop, node.config().nodeId())
        .transform(ar -> server == null ? Future.<Void>succeededFuture() : server.close())
        .andThen(ar -> {
          if (admission != null) GatewayMetrics.forgetHandshakes(admission.pending());
        });
  }
}
