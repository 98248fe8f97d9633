package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Services on separate clustered Vert.x nodes (Hazelcast on loopback): a call whose two users sit
 * on different gateways, and a gateway process killed with SIGKILL mid-call.
 */
class ClusterIT {
  /** Documented bound for telling a survivor after its peer's gateway died: NODE_TTL_MS + SWEEP_INTERVAL_MS + slack. */
  static final Duration DEAD_GATEWAY_BOUND = Duration.ofSeconds(9);
  /** The resume grace window in this test (short: nobody resumes here). */
  static final long GRACE_MS = 2000;
  static Launcher node1;
  static Vertx node2;
  static Vertx client;
  static int portA;
  static int portB;
  static Map<String, String> cluster;

  @BeforeAll
  static void start() throws Exception {
    portA = LocalRedis.freePort();
    portB = LocalRedis.freePort();
    int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
    cluster = Settings.manyClients(Map.of("CLUSTER_NAME", "it-" + UUID.randomUUID(), "CLUSTER_PORT", Integer.toString(base),
        "RESUME_GRACE_MS", Long.toString(GRACE_MS)));
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
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await();
    node2.close().await(30, TimeUnit.SECONDS);
    node1.close();
  }

  @Test
  void callAcrossTwoGateways() throws Exception {
    try (WsClient alice = WsClient.connect(client, portA, Http.token(portA, "Alice").getString("accessToken"));
         WsClient bob = WsClient.connect(client, portB, Http.token(portB, "Bob").getString("accessToken"))) {
      alice.send("join-queue", new JsonObject());
      alice.await("queued");
      bob.send("join-queue", new JsonObject());
      JsonObject mb = bob.await("matched");
      JsonObject ma = alice.await("matched");
      String sid = ma.getString("sessionId");
      assertEquals(sid, mb.getString("sessionId"));
      assertEquals("caller", ma.getString("role"));
      alice.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", "o")));
      assertEquals("o", bob.await("offer").getJsonObject("offer").getString("sdp"));
      bob.send("send-answer", new JsonObject().put("sessionId", sid).put("answer", new JsonObject().put("type", "answer").put("sdp", "a")));
      assertEquals("a", alice.await("answer").getJsonObject("answer").getString("sdp"));
      bob.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate", new JsonObject().put("candidate", "c1")));
      assertEquals(ma.getString("peerId"), alice.await("candidate").getString("from"), "from is bob's peer id");
      bob.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hello across nodes"));
      JsonObject m = alice.await("message");
      assertEquals("Bob", m.getString("sender"));
      assertEquals("hello across nodes", m.getString("message"));
      bob.send("end-call", new JsonObject().put("sessionId", sid));
      assertEquals("left", alice.await("peer-disconnected").getString("reason"));
    }
  }

  @Test
  void aKilledGatewayKeepsItsCallsForAResumeThenEndsThemAndLeavesTheQueue() throws Exception {
    int portC = LocalRedis.freePort();
    Map<String, String> env = new HashMap<>(cluster);
    env.put("REDIS_URL", node1.env().raw("REDIS_URL"));
    GatewayProcess gatewayC = GatewayProcess.start("gateway-c", portC, env);
    try {
      WsClient carol = WsClient.connect(client, portC, Http.token(portA, "Carol").getString("accessToken"));
      WsClient eve = WsClient.connect(client, portC, Http.token(portA, "Eve").getString("accessToken"));
      try (WsClient dave = WsClient.connect(client, portA, Http.token(portA, "Dave").getString("accessToken"))) {
        carol.send("join-queue", new JsonObject());
        carol.await("queued");
        dave.send("join-queue", new JsonObject());
        String sid = dave.await("matched").getString("sessionId");
        carol.await("matched");
        eve.send("join-queue", new JsonObject());
        eve.await("queued");

        gatewayC.kill();
        long killed = System.nanoTime();
        JsonObject away = dave.await("peer-reconnecting", DEAD_GATEWAY_BOUND);
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("dead gateway detected: survivor told its stranger is reconnecting after %d ms (bound %d ms)%n",
            took.toMillis(), DEAD_GATEWAY_BOUND.toMillis());
        assertEquals(sid, away.getString("sessionId"));
        JsonObject gone = dave.await("peer-disconnected", Duration.ofMillis(GRACE_MS + 2000));
        assertEquals(sid, gone.getString("sessionId"));
        assertEquals("timeout", gone.getString("reason"), "Carol never resumed within the grace window");

        // Eve (queued on the dead gateway) is gone from the queue: Frank waits instead of matching a ghost.
        try (WsClient frank = WsClient.connect(client, portB, Http.token(portA, "Frank").getString("accessToken"))) {
          frank.send("join-queue", new JsonObject());
          frank.await("queued");
          dave.send("join-queue", new JsonObject());
          assertEquals("Frank", dave.await("matched").getJsonObject("peer").getString("name"));
        }
      } finally {
        carol.close();
        eve.close();
      }
    } finally {
      gatewayC.close();
    }
  }
}
