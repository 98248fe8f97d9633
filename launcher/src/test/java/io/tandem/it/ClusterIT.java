package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ClusterSetup;
import io.tandem.common.Env;
import io.tandem.common.ServiceRunner;
import io.tandem.gateway.GatewayModule;
import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Services on separate clustered Vert.x nodes (Hazelcast on loopback): a call whose two users sit
 * on different gateways, and a gateway process killed with SIGKILL mid-call.
 */
class ClusterIT {
  /** Documented bound for telling a survivor after its peer's gateway died: NODE_TTL_MS + SWEEP_INTERVAL_MS + slack. */
  static final Duration DEAD_GATEWAY_BOUND = Duration.ofSeconds(9);
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
    cluster = Settings.manyClients(Map.of("CLUSTER_NAME", "it-" + UUID.randomUUID(), "CLUSTER_PORT", Integer.toString(base)));
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
  void aKilledGatewayEndsItsCallsAndLeavesTheQueue() throws Exception {
    int portC = LocalRedis.freePort();
    Process gatewayC = startGatewayProcess(portC);
    try {
      awaitHealthy(portC, gatewayC);
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

        gatewayC.destroyForcibly();
        long killed = System.nanoTime();
        JsonObject gone = dave.await("peer-disconnected", DEAD_GATEWAY_BOUND);
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("dead gateway detected: survivor told after %d ms (bound %d ms)%n", took.toMillis(), DEAD_GATEWAY_BOUND.toMillis());
        assertEquals(sid, gone.getString("sessionId"));
        assertEquals("disconnected", gone.getString("reason"));

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
      gatewayC.destroyForcibly();
      gatewayC.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static Process startGatewayProcess(int port) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", "-Xmx256m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tandem.gateway.GatewayMain"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(new File("target", "gateway-c.log"));
    pb.environment().putAll(cluster);
    pb.environment().put("GATEWAY_PORT", Integer.toString(port));
    pb.environment().put("REDIS_URL", node1.env().raw("REDIS_URL"));
    return pb.start();
  }

  private static void awaitHealthy(int port, Process p) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      assertTrue(p.isAlive(), "gateway process died; see target/gateway-c.log");
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (java.io.IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("gateway process not ready within 60 s");
  }
}
