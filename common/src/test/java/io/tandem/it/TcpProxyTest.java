package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The test load balancer itself: round robin, skipping a backend that refuses, both ways, close both sides. */
class TcpProxyTest {
  /** A backend that greets each connection with its name, then echoes lines; it can drop its connections. */
  static final class Backend implements AutoCloseable {
    final ServerSocket server;
    final String name;
    final Thread acceptor;
    final List<Socket> accepted = new CopyOnWriteArrayList<>();
    /** Connections whose client side ended (end of stream or reset). */
    final java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();

    Backend(String name) throws IOException {
      this.name = name;
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor = new Thread(this::serve, "backend-" + name);
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          accepted.add(s);
          Thread t = new Thread(() -> echo(s), "echo-" + name);
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }

    private void echo(Socket s) {
      try (InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        byte[] buf = new byte[1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException ignored) {
        // closed or reset
      } finally {
        ended.incrementAndGet();
      }
    }

    @Override
    public void close() throws IOException, InterruptedException {
      server.close();
      acceptor.join(3000); // the listening socket is really closed once its accept() returned
      for (Socket s : accepted) s.close();
    }
  }

  final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable c : toClose) c.close();
  }

  <T extends AutoCloseable> T keep(T c) {
    toClose.add(0, c);
    return c;
  }

  static Socket dial(TcpProxy proxy) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    s.setSoTimeout(3000);
    return s;
  }

  static String greeting(Socket s) throws IOException {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
  }

  @Test
  void newConnectionsGoRoundRobinAndBytesFlowBothWays() throws Exception {
    Backend a = keep(new Backend("A"));
    Backend b = keep(new Backend("B"));
    TcpProxy proxy = keep(new TcpProxy(List.of(a.port(), b.port())));
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Socket s = keep(dial(proxy));
      got.add(greeting(s));
    }
    assertEquals(List.of("A", "B", "A", "B"), got);
    assertEquals(Map.of(a.port(), 2, b.port(), 2), proxy.acceptedPerBackend());

    try (Socket s = dial(proxy)) {
      InputStream in = s.getInputStream();
      byte[] greet = in.readNBytes(2);
      assertEquals("A\n", new String(greet, StandardCharsets.UTF_8));
      s.getOutputStream().write("GET /signaling HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.UTF_8));
      byte[] echo = in.readNBytes("GET /signaling HTTP/1.1\r\n".length());
      assertEquals("GET /signaling HTTP/1.1\r\n", new String(echo, StandardCharsets.UTF_8));
      TcpProxy.Link link = proxy.openLinks().stream().filter(l -> l.isWebSocket("/signaling")).findFirst().orElseThrow();
      assertEquals(a.port(), link.backendPort);
      assertEquals("GET /signaling HTTP/1.1", link.firstLine());
    }
  }

  @Test
  void aBackendThatRefusesIsSkipped() throws Exception {
    Backend a = keep(new Backend("A"));
    Backend b = keep(new Backend("B"));
    TcpProxy proxy = keep(new TcpProxy(List.of(a.port(), b.port())));
    a.close();
    for (int i = 0; i < 3; i++) {
      Socket s = keep(dial(proxy));
      assertEquals("B", greeting(s), "connection " + i);
    }
    assertEquals(Map.of(b.port(), 3), proxy.acceptedPerBackend());
    b.close();
    try (Socket s = dial(proxy)) {
      assertEquals(-1, s.getInputStream().read(), "no backend: the client is closed at once");
    }
    assertEquals(1, proxy.refusedClients());
  }

  @Test
  void whenOneSideClosesBothAreClosed() throws Exception {
    Backend a = keep(new Backend("A"));
    TcpProxy proxy = keep(new TcpProxy(List.of(a.port())));
    Socket s = keep(dial(proxy));
    assertEquals("A", greeting(s));
    // the backend goes away (as a killed process's sockets do): the client sees the end of the stream
    a.accepted.get(0).close();
    assertEquals(-1, s.getInputStream().read());
    waitUntil(() -> proxy.openLinks().isEmpty(), "the link is gone");

    waitUntil(() -> a.ended.get() == 1, "the first backend connection ended");

    // the client goes away: the backend's connection ends too
    Socket s2 = dial(proxy);
    assertEquals("A", greeting(s2));
    assertEquals(1, proxy.openLinks().size());
    assertEquals(1, a.ended.get(), "the second backend connection is still up");
    s2.close();
    waitUntil(() -> a.ended.get() == 2, "the backend side of the second connection ended");
    waitUntil(() -> proxy.openLinks().isEmpty(), "the second link is gone");

    // cutAll: every open connection ends on both sides
    Socket s3 = keep(dial(proxy));
    Socket s4 = keep(dial(proxy));
    assertEquals("A", greeting(s3));
    assertEquals("A", greeting(s4));
    assertEquals(Map.of(a.port(), 2), proxy.connectionsPerBackend());
    assertEquals(0, proxy.drop(a.port() + 1), "nothing on another port");
    assertEquals(2, proxy.cutAll());
    assertEquals(-1, s3.getInputStream().read());
    assertEquals(-1, s4.getInputStream().read());
    waitUntil(() -> a.ended.get() == 4, "the backend sides of the cut connections ended");

    // drop(port): only that backend's connections
    Backend b = keep(new Backend("B"));
    proxy.setBackends(List.of(a.port(), b.port()));
    Socket toA = keep(dial(proxy));
    assertEquals("A", greeting(toA));
    Socket toB = keep(dial(proxy));
    assertEquals("B", greeting(toB));
    assertEquals(1, proxy.drop(b.port()));
    assertEquals(-1, toB.getInputStream().read());
    assertEquals(Map.of(a.port(), 1), proxy.connectionsPerBackend());
    toA.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
    assertEquals("still here", new BufferedReader(new InputStreamReader(toA.getInputStream(), StandardCharsets.UTF_8)).readLine());
  }

  private static void waitUntil(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
    long end = System.currentTimeMillis() + 3000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) throw new AssertionError("timed out: " + what);
      Thread.sleep(10);
    }
  }
}
