package io.tandem.gateway.socket;

import io.tandem.gateway.GatewayConfig;
import io.tandem.gateway.GatewayMetrics;
import io.tandem.gateway.http.Admission;
import io.tandem.gateway.http.Handshake;

import io.tandem.common.Limits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket-serving part of a gateway on one event loop: an HTTP server on {@code GATEWAY_PORT}
 * (Vert.x shares the port among the loops' servers and hands each new connection to the next one
 * in turn), with its {@link Admission} (whose opener makes this loop's {@link Connection}s) and its
 * HTTP routes. The sockets it accepts, their connection and call state, belong to its loop
 * ({@link SocketLoop}). Loop 0 runs in the node's own verticle, the others each in a {@link SocketVerticle};
 * the node builds each one ({@link Factory}).
 */
public final class SocketServer {
  private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

  /** Builds the socket server of one event loop (the node's parts are shared by all of them). */
  @FunctionalInterface
  public interface Factory {
    /** @param context the (event-loop) context this loop's server and sockets run on */
    SocketServer create(io.vertx.core.Context context, int index);
  }

  private final Vertx vertx;
  private final SocketLoop loop;
  private final GatewayConfig config;
  private final int port;
  private final Registry registry;
  private final Admission admission;
  private final Router routes;
  private HttpServer server;

  /** @param port the port to listen on (for {@code GATEWAY_PORT=0} the negative id Vert.x shares one random port by) */
  public SocketServer(Vertx vertx, SocketLoop loop, GatewayConfig config, int port, Registry registry, Admission admission,
                      Router routes) {
    this.vertx = vertx;
    this.loop = loop;
    this.config = config;
    this.port = port;
    this.registry = registry;
    this.admission = admission;
    this.routes = routes;
  }

  SocketLoop loop() {
    return loop;
  }

  /** Starts listening (call on the loop's context). */
  public Future<HttpServer> start() {
    server = vertx.createHttpServer(serverOptions(config))
        .webSocketHandshakeHandler(admission::onHandshake)
        .webSocketHandler(admission::onSocket)
        .requestHandler(routes);
    return server.listen(port).onSuccess(s -> {
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
    return Drain.closeSockets(registry, loop, config.nodeId())
        .transform(ar -> server == null ? Future.<Void>succeededFuture() : server.close())
        .andThen(ar -> GatewayMetrics.forgetHandshakes(admission.pending()));
  }
}
