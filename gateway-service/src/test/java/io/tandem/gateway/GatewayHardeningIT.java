package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Addresses;
import io.tandem.common.Telemetry;
import io.tandem.it.Http;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import io.tandem.it.Settings;
import io.tandem.it.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Defects found by attacking the gateway edge (issue 10): compressed frames, junk floods, the
 * drain's close code, abandoned handshakes, a frozen Redis, a chat-service that does not answer.
 * Each test fails on the code before its fix.
 */
class GatewayHardeningIT {
  static Vertx client;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    client.close().await();
  }

  static Map<String, String> settings(int port, String... kv) {
    Map<String, String> m = new HashMap<>(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port))));
    for (int i = 0; i + 1 < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  static WsClient connect(int port, String name) throws Exception {
    return WsClient.connect(client, port, Http.token(port, name).getString("accessToken"));
  }

  /** Two sockets in one call: {alice (caller), bob (callee)} and the session id in {@code sid[0]}. */
  static WsClient[] pair(int port, String[] sid) throws Exception {
    WsClient a = connect(port, "Alice");
    WsClient b = connect(port, "Bob");
    a.send("join-queue", new JsonObject());
    a.await("queued");
    b.send("join-queue", new JsonObject());
    sid[0] = a.await("matched").getString("sessionId");
    assertEquals(sid[0], b.await("matched").getString("sessionId"));
    return new WsClient[] {a, b};
  }

  /** Item 1: permessage-deflate is never negotiated, so the size limits hold for what the gateway handles. */
  @Test
  void compressionIsRefusedAndOversizeFramesClose1009() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.start(settings(port))) {
      String token = Http.token(port, "Zip").getString("accessToken");
      WebSocketClient wsc = client.createWebSocketClient(new WebSocketClientOptions()
          .setTryUsePerMessageCompression(true).setTryUsePerFrameCompression(true)
          .setMaxFrameSize(16 * 1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
      try {
        WebSocket ws = wsc.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/signaling")
            .addHeader("Authorization", "Bearer " + token)).await(10, TimeUnit.SECONDS);
        assertNull(ws.headers().get("Sec-WebSocket-Extensions"), "the gateway negotiates no compression");
        CompletableFuture<Short> closed = new CompletableFuture<>();
        ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? (short) 1006 : ws.closeStatusCode()));
        // a message of 64 KB fragments, sent slowly, growing past the hard limit (256 KB): the
        // gateway must refuse it with 1009 once it crosses the limit (paced, so the client reads
        // the close frame before its next bytes would meet a closed connection)
        String part = "a".repeat(64 * 1024);
        ws.writeFrame(io.vertx.core.http.WebSocketFrame.textFrame("{\"type\":\"send-message\",\"data\":{\"message\":\"" + part, false));
        for (int i = 0; i < 8 && !closed.isDone(); i++) {
          Thread.sleep(150);
          if (!closed.isDone()) ws.writeFrame(io.vertx.core.http.WebSocketFrame.continuationFrame(io.vertx.core.buffer.Buffer.buffer(part), false));
        }
        short code = closed.get(10, TimeUnit.SECONDS);
        assertEquals(1009, code, "a frame over the hard limit closes the socket with 1009 (message too big)");
      } finally {
        wsc.close();
      }
      // between the frame limit and the hard limit: an error, and the socket stays usable
      try (WsClient c = connect(port, "Big")) {
        c.sendRaw("{\"type\":\"send-message\",\"data\":{\"message\":\"" + "b".repeat(100 * 1024) + "\"}}");
        assertEquals("too-large", c.await("error").getString("code"));
        c.send("join-queue", new JsonObject());
        c.await("queued");
      }
    }
  }

  /** Item 7: invalid frames are charged to the socket's budget: a flood ends in a 1008 close, not in thousands of replies. */
  @Test
  void junkFloodIsChargedAndClosed() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.start(settings(port)); WsClient c = connect(port, "Junk")) {
      try {
        for (int i = 0; i < 2000 && !c.isClosed(); i++) c.sendRaw("not json " + i);
      } catch (RuntimeException closedWhileSending) {
        // the gateway closed the socket mid-flood: expected
      }
      assertEquals(1008, c.awaitClose(), "a junk flood closes the socket for policy violation");
      int errors = c.all("error").size();
      assertTrue(errors < 100, "junk was answered " + errors + " times; the budget must stop answering early");
    }
  }

  /** Item 3: a gateway told to stop closes its sockets with 1012 (restarting), not 1000. */
  @Test
  void gracefulStopClosesWith1012() throws Exception {
    int port = Ports.free();
    ServiceStack stack = GatewayStack.start(settings(port));
    WsClient c = connect(port, "Drained");
    try {
      c.send("join-queue", new JsonObject());
      c.await("queued");
      stack.close();
      assertEquals(1012, c.awaitClose(), "clients are told to reconnect elsewhere");
    } finally {
      c.close();
      stack.close();
    }
  }

  /** Item 8: a client that gives up while its handshake waits on Redis leaves nothing behind. */
  @Test
  void abandonedHandshakesDoNotLeak() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.start(settings(port, "REDIS_TIMEOUT_MS", "5000"))) {
      long pid = stack.redisPid();
      String token = Http.token(port, "Quitter").getString("accessToken");
      RedisSignals.signal(pid, "STOP");
      try {
        for (int i = 0; i < 20; i++) {
          try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /signaling HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ" + String.format("%02d", i) + "==\r\nSec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          }
        }
        Thread.sleep(500);
      } finally {
        RedisSignals.signal(pid, "CONT");
      }
      double pending = -1;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        pending = Telemetry.registry().get("tandem_handshakes_pending").gauge().value();
        if (pending == 0) break;
        Thread.sleep(100);
      }
      assertEquals(0, pending, "handshakes whose client left are forgotten");
      try (WsClient c = connect(port, "After")) {
        c.send("join-queue", new JsonObject());
        c.await("queued");
      }
    }
  }

  /**
   * Item 5: with Redis frozen, store steps fail with {@code unavailable} in bounded time, relays
   * keep flowing, readiness answers, and when Redis wakes no gateway is declared dead.
   */
  @Test
  void frozenRedisFailsFastAndReapsNobody() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.start(settings(port, "REDIS_TIMEOUT_MS", "800", "NODE_TTL_MS", "1000",
        "SWEEP_INTERVAL_MS", "200", "NODE_HEARTBEAT_MS", "200", "MONITOR_PORT", Integer.toString(Ports.free())))) {
      long pid = stack.redisPid();
      int monitor = stack.env().integer("MONITOR_PORT", 0, 0, 65535);
      String[] sid = new String[1];
      WsClient[] p = pair(port, sid);
      try (WsClient alice = p[0]; WsClient bob = p[1]) {
        RedisSignals.signal(pid, "STOP");
        long frozenAt = System.nanoTime();
        try {
          alice.send("end-call", new JsonObject().put("sessionId", sid[0]));
          alice.send("send-offer", new JsonObject().put("sessionId", sid[0]).put("offer", new JsonObject().put("type", "offer").put("sdp", "v=0")));
          bob.await("offer", Duration.ofSeconds(1));
          long relayMs = (System.nanoTime() - frozenAt) / 1_000_000;
          assertTrue(relayMs < 700, "a relay does not wait behind a store step: " + relayMs + " ms");
          JsonObject err = alice.await("error", Duration.ofSeconds(3));
          assertEquals("unavailable", err.getString("code"));
          long errMs = (System.nanoTime() - frozenAt) / 1_000_000;
          System.out.printf("frozen Redis: relay %d ms, end-call error after %d ms%n", relayMs, errMs);
          Http.Answer ready = Http.get(monitor, "/health/ready");
          assertEquals(503, ready.status(), "readiness answers, and says not ready");
          Thread.sleep(2500); // longer than NODE_TTL_MS: every heartbeat looks stale when Redis wakes
        } finally {
          RedisSignals.signal(pid, "CONT");
        }
        Thread.sleep(2500); // several sweeps after the wake
        assertFalse(alice.isClosed() || bob.isClosed(), "no gateway was declared dead after the stall");
        // the end-call that timed out may have run late: ending again tells the peer in any case
        alice.send("end-call", new JsonObject().put("sessionId", sid[0]));
        alice.await("call-ended");
        assertEquals(sid[0], bob.await("peer-disconnected").getString("sessionId"));
      }
    }
  }

  /** Item 9: a chat-service that does not answer holds back only chat, never the socket's relays. */
  @Test
  void silentChatServiceDoesNotHoldRelays() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.withoutChat(settings(port, "BUS_TIMEOUT_MS", "2000"))) {
      AtomicInteger swallowed = new AtomicInteger();
      stack.vertx().eventBus().consumer(Addresses.CHAT_SEND, msg -> swallowed.incrementAndGet()).completion().await();
      String[] sid = new String[1];
      WsClient[] p = pair(port, sid);
      try (WsClient alice = p[0]; WsClient bob = p[1]) {
        long t0 = System.nanoTime();
        alice.send("send-message", new JsonObject().put("sessionId", sid[0]).put("message", "hello"));
        alice.send("send-candidate", new JsonObject().put("sessionId", sid[0]).put("candidate",
            new JsonObject().put("candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host").put("sdpMid", "0").put("sdpMLineIndex", 0)));
        bob.await("candidate", Duration.ofSeconds(1));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1000, "the candidate did not wait for chat: " + ms + " ms");
        assertEquals("unavailable", alice.await("error", Duration.ofSeconds(5)).getString("code"));
        assertEquals(1, swallowed.get());
      }
    }
  }

  /** Item 9: the page and every HTTP answer carry the security headers. */
  @Test
  void securityHeaders() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.start(settings(port))) {
      for (String path : new String[] {"/", "/stats", "/nowhere"}) {
        Http.Answer a = Http.get(port, path);
        String csp = a.header("Content-Security-Policy");
        assertTrue(csp != null && csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'")
            && csp.contains("worker-src 'self'") && !csp.contains("'unsafe-"), path + ": " + csp); // 'wasm-unsafe-eval' only (the shield)
        assertEquals("no-referrer", a.header("Referrer-Policy"), path);
        assertTrue(a.header("Permissions-Policy").contains("camera=(self)"), path);
        assertNull(a.header("Strict-Transport-Security"), "no HSTS over plain HTTP without a trusted proxy");
      }
    }
  }
}
