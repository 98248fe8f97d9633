package io.tandem.gateway.socket;

import io.tandem.gateway.GatewayNode;
import io.tandem.gateway.GatewayVerticle;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * One more event loop of a gateway: a {@link SocketServer} in its own verticle instance. The node's
 * verticle ({@link GatewayVerticle}) serves loop 0 itself and deploys this {@code GATEWAY_EVENT_LOOPS - 1}
 * times as its child deployment, so Vert.x stops these (each draining its own sockets) before the
 * node's own stop runs.
 */
public final class SocketVerticle extends VerticleBase {
  private final GatewayNode node;
  private final int index;
  private SocketServer server;

  public SocketVerticle(GatewayNode node, int index) {
    this.node = node;
    this.index = index;
  }

  @Override
  public Future<?> start() {
    server = new SocketServer(vertx, context, node, index);
    return server.start();
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.stop();
  }
}
