package io.tandem.gateway.socket;

import io.tandem.gateway.protocol.CloseCodes;

import io.tandem.gateway.http.Admission;
import io.tandem.gateway.http.Handshake;
import io.tandem.gateway.presence.Presence;
import io.tandem.gateway.steps.FrameDispatcher;

import io.tandem.common.Ids;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

/**
 * Turns an admitted socket into a registered {@link Connection} on this socket server's loop (a
 * newer socket replaces the user's older one on this node, whichever loop the older one is on).
 */
public final class SocketOpener implements Admission.Opener {
  private final Vertx vertx;
  private final SocketLoop loop;
  private final Registry registry;
  private final Presence presence;
  private final SocketCleanup cleanup;
  private final FrameDispatcher dispatcher;
  private final int maxFrameBytes;

  public SocketOpener(Vertx vertx, SocketLoop loop, Registry registry, Presence presence, SocketCleanup cleanup, FrameDispatcher dispatcher,
               int maxFrameBytes) {
    this.vertx = vertx;
    this.loop = loop;
    this.registry = registry;
    this.presence = presence;
    this.cleanup = cleanup;
    this.dispatcher = dispatcher;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void open(ServerWebSocket ws, Admission.Admitted a) {
    Handshake.forgetToken(ws.headers());
    Connection c = new Connection(vertx, loop, ws, a.identity(), a.ipHash(), Ids.connection(), presence, cleanup, dispatcher, maxFrameBytes);
    // the registry is one concurrent map for every loop: the swap is atomic, and the older socket
    // (possibly on another loop) is closed on its own loop
    Connection older = registry.put(c);
    if (older != null) older.onLoop(() -> older.close(CloseCodes.REPLACED, "replaced by a newer connection"));
    // the handshake's place is kept until the socket is registered in the store (or failed to be)
    c.start(() -> registry.remove(c), a.permit()::release);
  }
}
