package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import io.tandem.it.Http;
import io.tandem.it.LogCapture;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import io.tandem.it.Settings;
import io.tandem.it.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Logs stay quiet in normal operation: a whole call cycle (tokens, sockets, join, match, offer,
 * answer, candidates, chat, end-call, closes) writes no line at INFO or above from any Tandem logger.
 * INFO is for starts, stops, faults and security events; per-socket, per-join and per-match lines are
 * DEBUG (at INFO a latency run wrote ~4 lines per join).
 */
class QuietLogsIT {
  /** How long the closes are given to be handled on the server before the capture ends. */
  static final long SETTLE_MS = 500;

  static ServiceStack stack;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    port = Ports.free();
    stack = GatewayStack.start(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port))));
    client = Vertx.vertx();
    cycle("warm-up"); // first-use lines (a lazily made client, a first script load) are not per-call
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await();
    stack.close();
  }

  @Test
  void aWholeCallCycleWritesNoInfoLine() throws Exception {
    List<String> lines;
    try (LogCapture logs = new LogCapture("io.tandem", Level.INFO)) {
      for (int i = 0; i < 3; i++) cycle("quiet" + i);
      Thread.sleep(SETTLE_MS);
      lines = logs.lines();
    }
    assertEquals(List.of(), lines, "lines at INFO or above during three whole call cycles");
  }

  /** One call cycle, as two people do it: Start, match, signaling, a chat line, Next, close. */
  static void cycle(String name) throws Exception {
    String a = Http.token(port, name + "A").getString("accessToken");
    String b = Http.token(port, name + "B").getString("accessToken");
    try (WsClient alice = WsClient.connect(client, port, a); WsClient bob = WsClient.connect(client, port, b)) {
      alice.send("join-queue", new JsonObject());
      alice.await("queued");
      bob.send("join-queue", new JsonObject());
      String sid = alice.await("matched").getString("sessionId");
      bob.await("matched");
      alice.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", "v=0 o")));
      bob.await("offer");
      bob.send("send-answer", new JsonObject().put("sessionId", sid).put("answer", new JsonObject().put("type", "answer").put("sdp", "v=0 a")));
      alice.await("answer");
      alice.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate",
          new JsonObject().put("candidate", "candidate:1 1 udp 1 127.0.0.1 50000 typ host").put("sdpMid", "0").put("sdpMLineIndex", 0)));
      bob.await("candidate");
      bob.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hi"));
      alice.await("message");
      alice.send("end-call", new JsonObject().put("sessionId", sid));
      alice.await("call-ended");
      bob.await("peer-disconnected");
    }
  }
}
