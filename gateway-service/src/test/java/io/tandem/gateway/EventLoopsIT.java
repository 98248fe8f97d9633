package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.it.Http;
import io.tandem.it.LogCapture;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import io.tandem.it.Settings;
import io.tandem.it.TcpProxy;
import io.tandem.it.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One gateway serving on two event loops (docs/gateway.md, "Event loops"): sockets land on both
 * loops, and a call between two sockets on different loops works end to end (match, signaling and
 * chat both ways, a cut socket resumed on the same gateway, end-call). Every delivery from the
 * bus is carried out on the receiving socket's own loop (the log line it writes names the thread).
 * A user's new socket on one loop replaces (4000) the older one open on another loop.
 */
class EventLoopsIT {
  /** Socket verticle instances of the gateway under test. */
  static final int LOOPS = 2;
  /** The grace window (shorter than the default, to keep the test quick). */
  static final long GRACE_MS = 4000;
  /** Sockets tried before one lands on another loop than the first (the round robin makes the second one do). */
  static final int MAX_TRIES = 6;
  /** Longest wait for a socket's "connected" log line, ms. */
  static final long LOG_WAIT_MS = 5000;
  static ServiceStack stack;
  static Vertx client;
  static int port;
  static TcpProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    port = Ports.free();
    stack = GatewayStack.start(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port),
        "GATEWAY_EVENT_LOOPS", Integer.toString(LOOPS), "RESUME_GRACE_MS", Long.toString(GRACE_MS))));
    client = Vertx.vertx();
    proxy = new TcpProxy(List.of(port));
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) proxy.close();
    if (client != null) client.close().await();
    if (stack != null) stack.close();
  }

  /** The user id in a token (its {@code sub} claim). */
  static String subject(String token) {
    String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
    return new JsonObject(claims).getString("sub");
  }

  /** A socket, its user, and the loop and thread it was registered on (from its "connected" log line). */
  record Socket(WsClient ws, String user, String token, String loop, String thread) {}

  static Socket open(LogCapture logs, int toPort, String token) throws Exception {
    int before = logs.events().size();
    WsClient ws = WsClient.connect(client, toPort, token);
    String user = subject(token);
    String fragment = "connected user=" + user + " ";
    long deadline = System.currentTimeMillis() + LOG_WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      List<LogCapture.Event> events = logs.events();
      for (int i = before; i < events.size(); i++) {
        String line = events.get(i).line();
        if (line.contains(fragment)) {
          String loop = line.substring(line.indexOf(" loop=") + 1).split(" ")[0];
          return new Socket(ws, user, token, loop, events.get(i).thread());
        }
      }
      Thread.sleep(10);
    }
    ws.close();
    throw new AssertionError("no 'connected' log line for the socket within " + LOG_WAIT_MS + " ms");
  }

  /** The gateway's DEBUG lines (each names its socket; the thread that wrote it is recorded). */
  static LogCapture gatewayLogs() {
    return new LogCapture("io.tandem.gateway", ch.qos.logback.classic.Level.DEBUG);
  }

  static String token(String name) throws Exception {
    return Http.token(port, name).getString("accessToken");
  }

  static JsonObject relay(String sid, String field, JsonObject payload) {
    return new JsonObject().put("sessionId", sid).put(field, payload);
  }

  @Test
  void aCallBetweenSocketsOnDifferentLoopsOfOneGatewayWorksEndToEnd() throws Exception {
    try (LogCapture logs = gatewayLogs(); LogCapture errors = new LogCapture()) {
      // Alice goes through the proxy (so her socket can be cut); Bob is taken from the first socket
      // that lands on another loop than hers
      // (the tokens first: their HTTP connections take turns in the round robin too)
      String aliceToken = token("Alice");
      List<String> bobTokens = new ArrayList<>();
      for (int i = 0; i < MAX_TRIES; i++) bobTokens.add(token("Bob"));
      Socket alice = open(logs, proxy.port(), aliceToken);
      Socket bob = null;
      List<Socket> sameLoop = new ArrayList<>();
      for (int i = 0; i < MAX_TRIES && bob == null; i++) {
        Socket s = open(logs, port, bobTokens.get(i));
        if (s.loop().equals(alice.loop())) sameLoop.add(s);
        else bob = s;
      }
      for (Socket s : sameLoop) s.ws().closeWith((short) 1000);
      assertTrue(bob != null, "no socket landed on another loop than " + alice.loop() + " in " + MAX_TRIES + " tries");
      assertNotEquals(alice.thread(), bob.thread(), "the two loops are two threads");
      System.out.printf("alice on %s (%s), bob on %s (%s), after %d same-loop sockets%n",
          alice.loop(), alice.thread(), bob.loop(), bob.thread(), sameLoop.size());
      WsClient a = alice.ws();
      WsClient b = bob.ws();
      try {
        a.send("join-queue", new JsonObject());
        a.await("queued");
        b.send("join-queue", new JsonObject());
        JsonObject mb = b.await("matched");
        JsonObject ma = a.await("matched");
        String sid = ma.getString("sessionId");
        assertEquals(sid, mb.getString("sessionId"));
        assertEquals("caller", ma.getString("role"));
        assertEquals("Bob", ma.getJsonObject("peer").getString("name"));
        // Alice's match came through the bus (the matchmaker delivers it to her node): written on her loop
        assertEquals(alice.thread(), logs.await("matched user=" + alice.user() + " ", LOG_WAIT_MS).thread());

        a.send("send-offer", relay(sid, "offer", new JsonObject().put("type", "offer").put("sdp", "v=0 a")));
        assertEquals("v=0 a", b.await("offer").getJsonObject("offer").getString("sdp"));
        b.send("send-answer", relay(sid, "answer", new JsonObject().put("type", "answer").put("sdp", "v=0 b")));
        assertEquals("v=0 b", a.await("answer").getJsonObject("answer").getString("sdp"));
        a.send("send-candidate", relay(sid, "candidate", new JsonObject().put("candidate", "ca")));
        assertEquals("ca", b.await("candidate").getJsonObject("candidate").getString("candidate"));
        b.send("send-candidate", relay(sid, "candidate", new JsonObject().put("candidate", "cb")));
        assertEquals("cb", a.await("candidate").getJsonObject("candidate").getString("candidate"));
        a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hi bob"));
        assertEquals("hi bob", b.await("message").getString("message"));
        assertEquals("hi bob", a.await("message").getString("message"), "the sender's own copy");
        b.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hi alice"));
        assertEquals("hi alice", a.await("message").getString("message"));
        assertEquals("hi alice", b.await("message").getString("message"));

        // Alice's network drops; she comes back to the same gateway and resumes
        assertEquals(1, proxy.drop(port), "Alice's socket is cut (no close frame)");
        assertEquals(sid, b.await("peer-reconnecting", Duration.ofSeconds(2)).getString("sessionId"));
        assertEquals(bob.thread(), logs.await("peer reconnecting user=" + bob.user() + " ", LOG_WAIT_MS).thread());
        Socket alice2 = open(logs, port, alice.token());
        try (WsClient a2 = alice2.ws()) {
          a2.send("resume", new JsonObject().put("sessionId", sid));
          JsonObject resumed = a2.await("resumed");
          assertEquals(sid, resumed.getString("sessionId"));
          assertEquals("caller", resumed.getString("role"));
          assertEquals(sid, b.await("peer-resumed").getString("sessionId"));
          assertEquals(bob.thread(), logs.await("peer resumed user=" + bob.user() + " ", LOG_WAIT_MS).thread());
          a2.send("send-offer", relay(sid, "offer", new JsonObject().put("type", "offer").put("sdp", "restart")));
          assertEquals("restart", b.await("offer").getJsonObject("offer").getString("sdp"));
          b.send("send-answer", relay(sid, "answer", new JsonObject().put("type", "answer").put("sdp", "ok")));
          assertEquals("ok", a2.await("answer").getJsonObject("answer").getString("sdp"));
          b.send("send-message", new JsonObject().put("sessionId", sid).put("message", "welcome back"));
          assertEquals("welcome back", a2.await("message").getString("message"));

          a2.send("end-call", new JsonObject().put("sessionId", sid));
          a2.await("call-ended");
          assertEquals("left", b.await("peer-disconnected").getString("reason"));
          assertEquals(bob.thread(), logs.await("peer left user=" + bob.user() + " ", LOG_WAIT_MS).thread());
          System.out.printf("alice resumed on %s (%s)%n", alice2.loop(), alice2.thread());
        }
      } finally {
        a.close();
        b.close();
      }
      // (the gateway's code asserts its thread confinement; tests run with assertions on)
      for (String line : errors.lines()) {
        assertTrue(!line.contains("off the socket's loop"), "a socket was touched off its loop: " + line);
      }
    }
  }

  @Test
  void socketsLandOnEveryLoop() throws Exception {
    try (LogCapture logs = gatewayLogs()) {
      List<Socket> sockets = new ArrayList<>();
      try {
        // an even number, so that every one of them is matched (none is left queued for the other test)
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 2 * LOOPS; i++) tokens.add(token("Sam" + i));
        for (String t : tokens) sockets.add(open(logs, port, t));
        long loops = sockets.stream().map(Socket::loop).distinct().count();
        long threads = sockets.stream().map(Socket::thread).distinct().count();
        System.out.printf("%d sockets on loops %s%n", sockets.size(), sockets.stream().map(Socket::loop).toList());
        assertEquals(LOOPS, loops, "sockets on every loop: " + sockets.stream().map(Socket::loop).toList());
        assertEquals(LOOPS, threads, "one thread per loop");
        // every socket answers (each on its own loop); they pair off, so none stays queued
        for (Socket s : sockets) {
          s.ws().send("join-queue", new JsonObject());
          s.ws().await("queued");
        }
        for (Socket s : sockets) s.ws().await("matched");
      } finally {
        for (Socket s : sockets) s.ws().close();
      }
    }
  }

  @Test
  void aNewSocketOnAnotherLoopReplacesTheUsersOlderOne() throws Exception {
    try (LogCapture logs = gatewayLogs(); LogCapture errors = new LogCapture()) {
      String token = token("Rita");
      Socket first = open(logs, port, token);
      Socket second = null;
      List<Socket> sameLoop = new ArrayList<>();
      try {
        // the same user again until the new socket lands on the other loop (each same-loop one
        // replaces the one before it on that loop, which is not the case under test)
        for (int i = 0; i < MAX_TRIES && second == null; i++) {
          Socket s = open(logs, port, token);
          if (s.loop().equals(first.loop())) sameLoop.add(s);
          else second = s;
        }
        assertTrue(second != null, "no socket of the user landed on another loop than " + first.loop());
        Socket older = sameLoop.isEmpty() ? first : sameLoop.get(sameLoop.size() - 1);
        assertEquals(4000, older.ws().awaitClose(), "the older socket (on " + older.loop() + ") is replaced: 4000");
        second.ws().send("join-queue", new JsonObject());
        second.ws().await("queued");
        second.ws().send("leave-queue", new JsonObject());
      } finally {
        first.ws().close();
        for (Socket s : sameLoop) s.ws().close();
        if (second != null) second.ws().close();
      }
      for (String line : errors.lines()) {
        assertTrue(!line.contains("off the socket's loop"), "a socket was touched off its loop: " + line);
      }
    }
  }
}
