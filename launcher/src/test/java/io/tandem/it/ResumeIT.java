package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ClusterSetup;
import io.tandem.common.Env;
import io.tandem.common.ServiceRunner;
import io.tandem.gateway.GatewayModule;
import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls that outlive their socket (docs/protocol.md, "Resume"), at the protocol level: a launcher
 * (gateway A and every other service) and a second clustered gateway B. Sockets are cut through a
 * {@link TcpProxy} (no close frame, as a network loss), then resumed on either gateway.
 */
class ResumeIT {
  /** The grace window these tests run with (shorter than the default, to keep them quick). */
  static final long GRACE_MS = 4000;
  /** How soon the peer must hear that its stranger is reconnecting. */
  static final Duration TOLD_AWAY = Duration.ofSeconds(1);
  static Launcher node1;
  static Vertx node2;
  static Vertx client;
  static int portA;
  static int portB;
  static TcpProxy toA;

  @BeforeAll
  static void start() throws Exception {
    portA = LocalRedis.freePort();
    portB = LocalRedis.freePort();
    int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
    Map<String, String> cluster = Settings.manyClients(Map.of("CLUSTER_NAME", "it-" + UUID.randomUUID(),
        "CLUSTER_PORT", Integer.toString(base), "RESUME_GRACE_MS", Long.toString(GRACE_MS)));
    Map<String, String> s1 = new HashMap<>(cluster);
    s1.put("CLUSTERED", "true");
    s1.put("GATEWAY_PORT", Integer.toString(portA));
    node1 = Launcher.start(s1);
    Map<String, String> s2 = new HashMap<>(cluster);
    s2.put("GATEWAY_PORT", Integer.toString(portB));
    s2.put("REDIS_URL", node1.env().raw("REDIS_URL"));
    Env env2 = Env.with(s2);
    node2 = ClusterSetup.start(env2).await(60, TimeUnit.SECONDS);
    ServiceRunner.deploy(node2, env2, GatewayModule::verticles).await(30, TimeUnit.SECONDS);
    client = Vertx.vertx();
    toA = new TcpProxy(List.of(portA));
  }

  @AfterAll
  static void stop() throws Exception {
    if (toA != null) toA.close();
    if (client != null) client.close().await();
    if (node2 != null) node2.close().await(30, TimeUnit.SECONDS);
    if (node1 != null) node1.close();
  }

  static String token(String name) throws Exception {
    return Http.token(portA, name).getString("accessToken");
  }

  /** Alice (through the proxy to gateway A, so her socket can be cut) in a call with Bob (gateway B). */
  record Call(WsClient alice, WsClient bob, String aliceToken, String sid) {}

  static Call call(String a, String b) throws Exception {
    String ta = token(a);
    WsClient alice = WsClient.connect(client, toA.port(), ta);
    WsClient bob = WsClient.connect(client, portB, token(b));
    alice.send("join-queue", new JsonObject());
    alice.await("queued");
    bob.send("join-queue", new JsonObject());
    String sid = bob.await("matched").getString("sessionId");
    assertEquals("caller", alice.await("matched").getString("role"));
    return new Call(alice, bob, ta, sid);
  }

  static JsonObject offer(String sid, String sdp) {
    return new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", sdp));
  }

  @Test
  void aLostSocketResumesOnTheOtherGatewayAndTheCallFlows() throws Exception {
    Call c = call("Alice", "Bob");
    long cut = System.nanoTime();
    assertEquals(1, toA.drop(portA), "Alice's socket is cut (no close frame)");
    JsonObject away = c.bob().await("peer-reconnecting", TOLD_AWAY);
    System.out.printf("peer told its stranger is reconnecting after %d ms%n", (System.nanoTime() - cut) / 1_000_000);
    assertEquals(c.sid(), away.getString("sessionId"));
    assertTrue(away.getLong("graceMs") > 0 && away.getLong("graceMs") <= GRACE_MS, "graceMs " + away);

    // meanwhile nobody is matched with either of them
    try (WsClient carol = WsClient.connect(client, portA, token("Carol"))) {
      carol.send("join-queue", new JsonObject());
      carol.await("queued");
      c.bob().send("send-message", new JsonObject().put("sessionId", c.sid()).put("message", "are you there?"));
      assertEquals("peer-away", c.bob().await("error").getString("code"), "chat to a stranger who is away is refused, not lost");

      try (WsClient alice2 = WsClient.connect(client, portB, c.aliceToken())) {
        alice2.send("resume", new JsonObject().put("sessionId", c.sid()));
        JsonObject resumed = alice2.await("resumed");
        System.out.printf("resumed on the other gateway %d ms after the cut%n", (System.nanoTime() - cut) / 1_000_000);
        assertEquals(c.sid(), resumed.getString("sessionId"));
        assertEquals("caller", resumed.getString("role"));
        assertEquals("Bob", resumed.getJsonObject("peer").getString("name"));
        assertFalse(resumed.getBoolean("peerReconnecting"));
        assertTrue(resumed.containsKey("iceServers"));
        assertEquals(c.sid(), c.bob().await("peer-resumed").getString("sessionId"));

        alice2.send("send-offer", offer(c.sid(), "restart"));
        assertEquals("restart", c.bob().await("offer").getJsonObject("offer").getString("sdp"));
        c.bob().send("send-answer", new JsonObject().put("sessionId", c.sid())
            .put("answer", new JsonObject().put("type", "answer").put("sdp", "ok")));
        assertEquals("ok", alice2.await("answer").getJsonObject("answer").getString("sdp"));
        c.bob().send("send-candidate", new JsonObject().put("sessionId", c.sid()).put("candidate", new JsonObject().put("candidate", "c1")));
        assertEquals("c1", alice2.await("candidate").getJsonObject("candidate").getString("candidate"));
        alice2.send("send-message", new JsonObject().put("sessionId", c.sid()).put("message", "back"));
        assertEquals("back", c.bob().await("message").getString("message"));
        assertEquals("back", alice2.await("message").getString("message"), "the sender's own copy");
        c.bob().send("send-message", new JsonObject().put("sessionId", c.sid()).put("message", "welcome"));
        assertEquals("welcome", alice2.await("message").getString("message"));

        Thread.sleep(GRACE_MS + 1500);
        assertTrue(c.bob().all("peer-disconnected").isEmpty(), "the call never ended for Bob");
        assertTrue(carol.all("matched").isEmpty(), "Carol was matched with nobody in a call");
        alice2.send("end-call", new JsonObject().put("sessionId", c.sid()));
        alice2.await("call-ended");
        assertEquals("left", c.bob().await("peer-disconnected").getString("reason"));
      }
    } finally {
      c.bob().close();
      c.alice().close();
    }
  }

  @Test
  void withoutAResumeThePeerHearsTimeoutAfterTheGrace() throws Exception {
    Call c = call("Erin", "Frank");
    try {
      long cut = System.nanoTime();
      toA.drop(portA);
      c.bob().await("peer-reconnecting", TOLD_AWAY);
      JsonObject gone = c.bob().await("peer-disconnected", Duration.ofMillis(GRACE_MS + 2000));
      long took = (System.nanoTime() - cut) / 1_000_000;
      System.out.printf("grace %d ms: peer told timeout after %d ms%n", GRACE_MS, took);
      assertEquals("timeout", gone.getString("reason"));
      assertTrue(took >= GRACE_MS - 200, "not before the grace window ends: " + took);
      try (WsClient erin = WsClient.connect(client, portA, c.aliceToken())) {
        erin.send("resume", new JsonObject().put("sessionId", c.sid()));
        JsonObject err = erin.await("error");
        assertEquals("session-gone", err.getString("code"));
        assertEquals("resume", err.getString("ref"));
        erin.send("join-queue", new JsonObject());
        erin.await("queued");
      }
    } finally {
      c.bob().close();
      c.alice().close();
    }
  }

  @Test
  void aCloseThePersonMeantEndsTheCallAtOnce() throws Exception {
    Call c = call("Gina", "Hugo");
    try {
      long start = System.nanoTime();
      c.alice().closeWith((short) 1001);
      JsonObject gone = c.bob().await("peer-disconnected", Duration.ofSeconds(1));
      System.out.printf("1001 close: peer told after %d ms%n", (System.nanoTime() - start) / 1_000_000);
      assertEquals(c.sid(), gone.getString("sessionId"));
      assertTrue(c.bob().all("peer-reconnecting").isEmpty());
      try (WsClient gina = WsClient.connect(client, portA, c.aliceToken())) {
        gina.send("resume", new JsonObject().put("sessionId", c.sid()));
        assertEquals("session-gone", gina.await("error").getString("code"), "an ended call cannot be resumed");
      }
    } finally {
      c.bob().close();
      c.alice().close();
    }
  }

  @Test
  void nobodyResumesSomeoneElsesCallAndAJoinEndsAKeptCall() throws Exception {
    Call c = call("Ivy", "Jack");
    try (WsClient mallory = WsClient.connect(client, portB, token("Mallory"))) {
      mallory.send("resume", new JsonObject().put("sessionId", c.sid()));
      assertEquals("session-gone", mallory.await("error").getString("code"));
      toA.drop(portA);
      c.bob().await("peer-reconnecting", TOLD_AWAY);
      mallory.send("resume", new JsonObject().put("sessionId", c.sid()));
      assertEquals("session-gone", mallory.await("error").getString("code"), "not even while its user is away");
      // Ivy comes back on the same gateway but chooses to search again: the kept call ends for Jack
      try (WsClient ivy = WsClient.connect(client, portA, c.aliceToken())) {
        ivy.send("join-queue", new JsonObject());
        ivy.await("queued");
        assertEquals("left", c.bob().await("peer-disconnected", Duration.ofSeconds(1)).getString("reason"));
        ivy.send("resume", new JsonObject().put("sessionId", c.sid()));
        assertEquals("in-session", ivy.await("error").getString("code"), "a searching socket resumes nothing");
      }
    } finally {
      c.bob().close();
      c.alice().close();
    }
  }
}
