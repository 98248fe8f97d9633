package io.tandem.gateway.socket;


import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sockets open on this gateway node, by user id (one socket per user). */
public final class Registry {
  private final Map<String, Connection> byUser = new ConcurrentHashMap<>();
  private volatile boolean draining;

  /** The node is stopping (cleanups do not retry past it). */
  public boolean draining() {
    return draining;
  }

  public void drain() {
    draining = true;
  }

  /** Adds a connection, returning the one it replaced on this node (or null). */
  public Connection put(Connection c) {
    return byUser.put(c.identity().userId(), c);
  }

  /** The user's connection if it is the socket {@code connId}, else null. */
  public Connection get(String userId, String connId) {
    Connection c = byUser.get(userId);
    return c != null && c.connId().equals(connId) ? c : null;
  }

  /** Removes the connection only if it is still the registered one. */
  public void remove(Connection c) {
    byUser.remove(c.identity().userId(), c);
  }

  public int size() {
    return byUser.size();
  }

  /** A weakly consistent iterator over the open connections (may be held across event-loop ticks). */
  public java.util.Iterator<Connection> iterator() {
    return byUser.values().iterator();
  }

  public List<Connection> all() {
    return List.copyOf(byUser.values());
  }
}
