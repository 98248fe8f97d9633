package io.tandem.gateway.socket;


import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * One more event loop of a gateway: a {@link SocketServer} in its own verticle instance. The node's
 * verticle (GatewayVerticle) serves loop 0 itself and deploys this {@code GATEWAY_EVENT_LOOPS - 1}
 * times as its child deployment, so Vert.x stops these (each draining its own sockets) before the
 * node's own stop runs.
 */
public final class SocketVerticle extends VerticleBase {
  private final SocketServer.Factory servers;
  private final int index;
  private SocketServer server;

  public SocketVerticle(SocketServer.Factory servers, int index) {
    this.servers = servers;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    server = servers.create(context, index);
    return server.start();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.stop();
  }
}
