package io.tandem.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small TCP round-robin load balancer on 127.0.0.1, as a Kubernetes Service would be in front of the
 * gateways: one listen port, a mutable list of backend ports; each new connection goes to the next live
 * backend in turn (a backend that refuses is skipped); bytes are copied both ways; when one side closes,
 * both are closed. It keeps the request line each connection opened with, so a test can tell which
 * backend holds a WebSocket ({@code GET /signaling ...}). {@link #drop} and {@link #cutAll} cut connections
 * without a WebSocket close frame, as a network loss does.
 */
public final class TcpProxy implements AutoCloseable {
  /** How long a backend may take to accept before it counts as refusing. */
  public static final int CONNECT_TIMEOUT_MS = 1000;
  private static final int BUFFER_BYTES = 16 * 1024;
  /** The request line is looked for in this many first bytes of a connection. */
  private static final int FIRST_LINE_MAX = 512;

  /** One proxied connection. */
  public static final class Link {
    final int backendPort;
    final long openedAtMs = System.currentTimeMillis();
    private final Socket client;
    private final Socket backend;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String firstLine = "";

    private Link(int backendPort, Socket client, Socket backend) {
      this.backendPort = backendPort;
      this.client = client;
      this.backend = backend;
    }

    /** The first line the client sent ({@code GET /signaling HTTP/1.1}), or "" before it sent one. */
    String firstLine() {
      return firstLine;
    }

    boolean isOpen() {
      return !closed.get();
    }

    boolean isWebSocket(String path) {
      return firstLine.startsWith("GET " + path + " ") || firstLine.startsWith("GET " + path + "?");
    }

    void close() {
      if (!closed.compareAndSet(false, true)) return;
      closeQuietly(client);
      closeQuietly(backend);
    }
  }

  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tcp-proxy");
    t.setDaemon(true);
    return t;
  });
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicInteger> accepted = new ConcurrentHashMap<>();
  private final AtomicInteger refusedClients = new AtomicInteger();
  private volatile List<Integer> backends;
  private int next; // guarded by this
  private volatile boolean closing;

  public TcpProxy(List<Integer> backendPorts) throws IOException {
    setBackends(backendPorts);
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    threads.execute(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Replaces the backend list (new connections only; open ones stay where they are). */
  public void setBackends(List<Integer> ports) {
    if (ports.isEmpty()) throw new IllegalArgumentException("a proxy needs at least one backend port");
    backends = List.copyOf(ports);
  }

  /** Connections handed to each backend so far. */
  public Map<Integer, Integer> acceptedPerBackend() {
    Map<Integer, Integer> m = new java.util.TreeMap<>();
    accepted.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  /** Open connections per backend port. */
  public Map<Integer, Integer> connectionsPerBackend() {
    Map<Integer, Integer> m = new java.util.TreeMap<>();
    for (Link l : openLinks()) m.merge(l.backendPort, 1, Integer::sum);
    return m;
  }

  /** Cuts every open connection to this backend port (both sides, no close frame), as a network loss does; → how many. */
  public int drop(int backendPort) {
    int n = 0;
    for (Link l : openLinks()) {
      if (l.backendPort != backendPort) continue;
      l.close();
      n++;
    }
    return n;
  }

  /** Clients closed at once because no backend accepted. */
  public int refusedClients() {
    return refusedClients.get();
  }

  /** The open connections, oldest first. */
  public List<Link> openLinks() {
    List<Link> out = new ArrayList<>();
    for (Link l : links) if (l.isOpen()) out.add(l);
    out.sort(java.util.Comparator.comparingLong(l -> l.openedAtMs));
    return out;
  }

  /**
   * Cuts every open connection at once (both sides closed, no bytes added), as a network change or a
   * dead balancer would: the browser sees its WebSocket lost without a close frame (1006), and so does
   * the gateway. → how many were cut.
   */
  public int cutAll() {
    int n = 0;
    for (Link l : links) {
      if (l.isOpen()) n++;
      l.close();
    }
    return n;
  }

  private void acceptLoop() {
    while (!closing) {
      try {
        Socket client = server.accept();
        List<Integer> ports = backends;
        int first;
        synchronized (this) { // the turn is taken in accept order, not in the order the pool threads run
          first = next % ports.size();
          next = (first + 1) % ports.size();
        }
        threads.execute(() -> connect(client, ports, first));
      } catch (IOException e) {
        if (!closing) System.err.println("tcp-proxy: accept failed: " + e);
      }
    }
  }

  /** Tries the backends in turn from the next one; the first that accepts gets the connection. */
  private void connect(Socket client, List<Integer> ports, int first) {
    for (int i = 0; i < ports.size(); i++) {
      int idx = (first + i) % ports.size();
      int port = ports.get(idx);
      Socket backend = new Socket();
      try {
        backend.setTcpNoDelay(true);
        backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MS);
      } catch (IOException refused) {
        closeQuietly(backend);
        continue;
      }
      synchronized (this) {
        if (i > 0) next = (idx + 1) % ports.size(); // the one after the backend that took it
      }
      accepted.computeIfAbsent(port, p -> new AtomicInteger()).incrementAndGet();
      Link link = new Link(port, client, backend);
      links.add(link);
      if (closing) {
        link.close();
        return;
      }
      try {
        client.setTcpNoDelay(true);
      } catch (IOException ignored) {
        // closed meanwhile; the pumps notice
      }
      threads.execute(() -> pump(link, client, backend, true));
      threads.execute(() -> pump(link, backend, client, false));
      return;
    }
    refusedClients.incrementAndGet();
    closeQuietly(client);
  }

  private void pump(Link link, Socket from, Socket to, boolean fromClient) {
    byte[] buf = new byte[BUFFER_BYTES];
    boolean first = fromClient;
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (first) {
          first = false;
          String head = new String(buf, 0, Math.min(n, FIRST_LINE_MAX), StandardCharsets.ISO_8859_1);
          int eol = head.indexOf("\r\n");
          link.firstLine = eol >= 0 ? head.substring(0, eol) : head;
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // one side closed or reset: both are closed below
    } finally {
      link.close();
      links.remove(link);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closed already
    }
  }

  @Override
  public void close() {
    closing = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closed already
    }
    for (Link l : links) l.close();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
