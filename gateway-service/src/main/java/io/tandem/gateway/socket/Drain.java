package io.tandem.gateway.socket;

import io.tandem.gateway.protocol.CloseCodes;

import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drain: refuse new handshakes, close every open socket with 1012 ("restarting": clients reconnect
 * at once to another gateway) and wait until their store state is cleaned (at most
 * {@link Connection#CLOSE_WAIT_MS} each). The server is closed only after that, since its own close
 * would send 1000, a normal close that clients obey.
 * <p>
 * Each socket server drains the sockets of its own loop, on that loop, when it stops; the first
 * one to stop sets the node's draining flag, so every loop refuses new handshakes from then on.
 */
public final class Drain {
  private static final Logger LOG = LoggerFactory.getLogger(Drain.class);

  private Drain() {}

  /** Closes the sockets of {@code loop} (call on that loop) and waits for their cleanup. */
  public static Future<Void> closeSockets(Registry registry, SocketLoop loop, String nodeId) {
    registry.drain();
    List<Connection> open = registry.all().stream().filter(c -> c.loop() == loop).toList();
    LOG.info("gateway node={} loop={} draining: closing {} sockets with 1012", nodeId, loop.index(), open.size());
    open.forEach(c -> c.close(CloseCodes.RESTART, "gateway restarting"));
    return Future.join(open.stream().map(Connection::closedAndCleaned).toList()).mapEmpty();
  }
}
