package io.tandem.it;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP load balancer for tests, on 127.0.0.1, as a Kubernetes Service is to gateways: each
 * new connection goes to the next backend port in turn (one that refuses is skipped), bytes are
 * copied both ways, and when one side closes the other is closed. {@link #drop} cuts connections
 * without a WebSocket close frame, as a network loss does.
 */
final class TcpProxy implements AutoCloseable {
  /** Time to reach a backend before trying the next one, ms. */
  static final int CONNECT_TIMEOUT_MS = 2000;

  private final Vertx vertx = Vertx.vertx();
  private final NetServer server;
  private final NetClient client;
  private final List<Integer> backends = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  /** Open client-side sockets → the backend port they were sent to. */
  private final Map<NetSocket, Integer> open = new ConcurrentHashMap<>();
  private final Map<NetSocket, NetSocket> pairs = new ConcurrentHashMap<>();

  TcpProxy(List<Integer> backendPorts) throws Exception {
    backends.addAll(backendPorts);
    client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS));
    server = vertx.createNetServer().connectHandler(this::accept);
    server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  /** Open connections per backend port. */
  Map<Integer, Integer> connectionsPerBackend() {
    Map<Integer, Integer> m = new ConcurrentHashMap<>();
    open.values().forEach(p -> m.merge(p, 1, Integer::sum));
    return m;
  }

  /** Cuts every open connection to this backend port (both sides, no close frame); returns how many. */
  int drop(int backendPort) {
    List<NetSocket> cut = new ArrayList<>();
    open.forEach((s, p) -> {
      if (p == backendPort) cut.add(s);
    });
    cut.forEach(this::cut);
    return cut.size();
  }

  private void accept(NetSocket in) {
    in.pause();
    tryBackend(in, backends.size());
  }

  private void tryBackend(NetSocket in, int attemptsLeft) {
    if (attemptsLeft == 0 || backends.isEmpty()) {
      in.close();
      return;
    }
    int port = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
    client.connect(port, "127.0.0.1").onComplete(ar -> {
      if (ar.failed()) {
        tryBackend(in, attemptsLeft - 1);
        return;
      }
      NetSocket out = ar.result();
      open.put(in, port);
      pairs.put(in, out);
      in.handler(out::write);
      out.handler(in::write);
      in.closeHandler(v -> cut(in));
      out.closeHandler(v -> cut(in));
      in.exceptionHandler(e -> cut(in));
      out.exceptionHandler(e -> cut(in));
      in.resume();
    });
  }

  private void cut(NetSocket in) {
    open.remove(in);
    NetSocket out = pairs.remove(in);
    in.close();
    if (out != null) out.close();
  }

  @Override
  public void close() throws Exception {
    new ArrayList<>(open.keySet()).forEach(this::cut);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
