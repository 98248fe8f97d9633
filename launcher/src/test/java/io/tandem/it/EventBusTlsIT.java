package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Addresses;
import io.tandem.common.ClusterSetup;
import io.tandem.common.Env;
import io.tandem.common.RedisKeys;
import io.tandem.common.TestCerts;
import io.tandem.common.msg.Delivery;
import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mutual TLS on the event bus, between separate processes in production mode: auth and chat in this
 * JVM (the launcher), the matchmaker and the gateway each in their own JVM, every node with its
 * certificate from one cluster CA. Calls work end to end; a process that joins the Hazelcast cluster
 * without a certificate, or with one from another CA, cannot deliver a frame to a user.
 */
class EventBusTlsIT {
  /** How long a user's socket is watched for a forged frame, ms. */
  static final long QUIET_MS = 2_000;
  /** The forged deliveries' reply timeout, ms (an answer, even a refusal, comes in a few ms). */
  static final long PROBE_TIMEOUT_MS = 4_000;
  /** Round trips measured by {@link #printsTheRoundTripOverTls}, and those before them not counted. */
  static final int ROUND_TRIPS = 1_000;
  static final int WARM_UP = 2_000;
  /** Longest wait for a new socket's user to appear in Redis, ms. */
  static final long REGISTERED_WAIT_MS = 5_000;
  static TestCerts ca;
  static Map<String, String> cluster;
  static Launcher core;
  static GatewayProcess matchmaker;
  static GatewayProcess gateway;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    ca = TestCerts.authority("tandem-cluster");
    int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
    cluster = Settings.manyClients(Map.of("CLUSTER_NAME", "it-" + UUID.randomUUID(), "CLUSTER_PORT", Integer.toString(base),
        "TANDEM_ENV", "production", "HASH_SECRET", "event-bus-tls-it-" + UUID.randomUUID(), "POW_SECRET", "event-bus-tls-it-pow-" + UUID.randomUUID()));
    Map<String, String> s = tls(cluster, ca.issue("launcher"));
    s.put("CLUSTERED", "true");
    s.put("LAUNCHER_SERVICES", "auth,chat");
    core = Launcher.start(s);
    Map<String, String> shared = new HashMap<>(cluster);
    shared.put("REDIS_URL", core.env().raw("REDIS_URL"));
    int monitor = LocalRedis.freePort();
    Map<String, String> m = tls(shared, ca.issue("matchmaker"));
    m.put("MONITOR_PORT", Integer.toString(monitor));
    matchmaker = GatewayProcess.service("eventbus-tls-matchmaker", "io.tandem.matchmaker.MatchmakerMain", monitor, m);
    gateway = GatewayProcess.start("eventbus-tls-gateway", LocalRedis.freePort(), tls(shared, ca.issue("gateway")));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await();
    if (gateway != null) gateway.close();
    if (matchmaker != null) matchmaker.close();
    if (core != null) core.close();
  }

  private static Map<String, String> tls(Map<String, String> base, TestCerts.Node node) {
    Map<String, String> m = new HashMap<>(base);
    m.putAll(ca.settings(node));
    return m;
  }

  @Test
  void aCallAcrossProcessesRunsOverTls() throws Exception {
    int port = gateway.port();
    try (WsClient alice = WsClient.connect(client, port, Http.token(port, "Alice").getString("accessToken"));
         WsClient bob = WsClient.connect(client, port, Http.token(port, "Bob").getString("accessToken"))) {
      String sid = matched(alice, bob);
      alice.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", "o")));
      assertEquals("o", bob.await("offer").getJsonObject("offer").getString("sdp"));
      bob.send("send-answer", new JsonObject().put("sessionId", sid).put("answer", new JsonObject().put("type", "answer").put("sdp", "a")));
      assertEquals("a", alice.await("answer").getJsonObject("answer").getString("sdp"));
      bob.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hello over TLS"));
      JsonObject msg = alice.await("message");
      assertEquals("hello over TLS", msg.getString("message"), "chat-service (this JVM) relayed it to the gateway (another)");
      assertEquals("Bob", msg.getString("sender"));
      bob.send("end-call", new JsonObject().put("sessionId", sid));
      assertEquals("left", alice.await("peer-disconnected").getString("reason"));
    }
  }

  @Test
  void aProcessWithoutTheClusterCertificateCannotDeliverAFrame() throws Exception {
    int port = gateway.port();
    String aliceToken = Http.token(port, "Alice").getString("accessToken");
    try (WsClient alice = WsClient.connect(client, port, aliceToken);
         WsClient bob = WsClient.connect(client, port, Http.token(port, "Bob").getString("accessToken"))) {
      String sid = matched(alice, bob);
      Map<String, String> user = userHash(subject(aliceToken));
      String address = Addresses.gatewayNode(user.get("node"));
      JsonObject forged = Delivery.relay(subject(aliceToken), user.get("conn"), "message", new JsonObject().put("sessionId", sid)
          .put("message", "forged").put("sender", "Bob").put("ts", System.currentTimeMillis())).toJson();
      // an answer from the gateway, even a refusal: what a node that may talk to it gets
      JsonObject probe = new Delivery("nobody", "no-conn", Delivery.MATCH, new JsonObject()).toJson();

      Vertx trusted = core.vertx();
      assertEquals(ReplyFailure.RECIPIENT_FAILURE, failure(trusted, address, probe).failureType(), "a certified node reaches the gateway");
      trusted.eventBus().send(address, forged.copy().put("data", forged.getJsonObject("data").copy().put("message", "from a certified node")));
      assertEquals("from a certified node", alice.await("message").getString("message"), "the frame is one the gateway delivers");

      Map<String, String> plain = new HashMap<>(cluster);
      plain.put("EVENTBUS_TLS", "off-insecure");
      TestCerts impostorCa = TestCerts.authority("impostor-ca");
      Map<String, String> foreign = new HashMap<>(cluster);
      foreign.putAll(impostorCa.settings(impostorCa.issue("impostor")));
      for (Map.Entry<String, Map<String, String>> intruder : Map.of("no certificate", plain, "another CA's certificate", foreign).entrySet()) {
        Vertx node = ClusterSetup.start(Env.with(intruder.getValue())).await(60, TimeUnit.SECONDS);
        try {
          assertEquals(4, ((VertxInternal) node).clusterManager().getNodes().size(), intruder.getKey() + ": it joined the Hazelcast cluster");
          ReplyException refused = failure(node, address, probe);
          System.out.printf("event bus TLS: a node with %s that joined the cluster: its send to the gateway fails with %s (%s)%n",
              intruder.getKey(), refused.failureType(), refused.getMessage());
          assertNotEquals(ReplyFailure.RECIPIENT_FAILURE, refused.failureType(), intruder.getKey() + ": the gateway never saw it");
          assertNotEquals(ReplyFailure.NO_HANDLERS, refused.failureType(), intruder.getKey() + ": it knew where the gateway listens");
          node.eventBus().send(address, forged);
          Thread.sleep(QUIET_MS);
          assertTrue(alice.all("message").stream().noneMatch(f -> "forged".equals(f.getString("message"))),
              intruder.getKey() + ": the user received nothing");
        } finally {
          node.close().await(30, TimeUnit.SECONDS);
        }
      }
      // the socket is still live: the frames above were refused, not lost with it
      bob.send("send-message", new JsonObject().put("sessionId", sid).put("message", "still here"));
      assertEquals("still here", alice.await("message").getString("message"));
      assertTrue(alice.all("message").stream().noneMatch(f -> "forged".equals(f.getString("message"))), "no forged frame arrived late");
    }
  }

  /** A misconfigured service stops at start (exit code 2) with a message naming the setting, before it joins the cluster. */
  @Test
  void aMisconfiguredServiceStopsAtStartNamingTheSetting() throws Exception {
    TestCerts.Node chat = ca.issue("chat");
    TestCerts.Node other = ca.issue("other");
    Map<String, String> shared = new HashMap<>(cluster);
    shared.put("REDIS_URL", core.env().raw("REDIS_URL"));
    shared.put("MONITOR_PORT", "0");
    Map<String, String> noTls = new HashMap<>(shared);
    Map<String, String> wrongKey = tls(shared, chat);
    wrongKey.put("EVENTBUS_TLS_KEY", other.key().toString());
    Map<String, String> partial = tls(shared, chat);
    partial.remove("EVENTBUS_TLS_CA");
    Map<String, Map<String, String>> cases = Map.of(
        "EVENTBUS_TLS must be on when TANDEM_ENV=production", noTls,
        "EVENTBUS_TLS_KEY does not match the certificate in EVENTBUS_TLS_CERT", wrongKey,
        "EVENTBUS_TLS=on needs EVENTBUS_TLS_CA", partial);
    int members = ((VertxInternal) core.vertx()).clusterManager().getNodes().size();
    for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
      String name = "eventbus-tls-refused-" + UUID.randomUUID();
      assertEquals(2, GatewayProcess.exitCode(name, "io.tandem.chat.ChatMain", c.getValue()), c.getKey() + ": exit code of bad configuration");
      String log = java.nio.file.Files.readString(java.nio.file.Path.of("target", name + ".log"));
      assertTrue(log.contains("bad configuration") && log.contains(c.getKey()), c.getKey() + " not in target/" + name + ".log");
    }
    assertEquals(members, ((VertxInternal) core.vertx()).clusterManager().getNodes().size(), "none of them joined the cluster");
  }

  /** Prints the round trip of a request from this JVM to the gateway's process and its reply, over TLS (one at a time, warmed). */
  @Test
  void printsTheRoundTripOverTls() throws Exception {
    int port = gateway.port();
    String token = Http.token(port, "Carol").getString("accessToken");
    try (WsClient carol = WsClient.connect(client, port, token)) {
      String address = Addresses.gatewayNode(userHash(subject(token)).get("node"));
      JsonObject probe = new Delivery("nobody", "no-conn", Delivery.MATCH, new JsonObject()).toJson();
      long[] rtt = new long[ROUND_TRIPS];
      for (int i = -WARM_UP; i < ROUND_TRIPS; i++) {
        long t = System.nanoTime();
        failure(core.vertx(), address, probe);
        if (i >= 0) rtt[i] = System.nanoTime() - t;
      }
      java.util.Arrays.sort(rtt);
      System.out.printf("event bus over mutual TLS, request/reply to another process: p50 %.2f ms, p99 %.2f ms (%d one at a time after %d warm-up)%n",
          rtt[ROUND_TRIPS / 2] / 1e6, rtt[ROUND_TRIPS * 99 / 100] / 1e6, ROUND_TRIPS, WARM_UP);
    }
  }

  private static String matched(WsClient a, WsClient b) throws Exception {
    a.send("join-queue", new JsonObject());
    a.await("queued");
    b.send("join-queue", new JsonObject());
    String sid = b.await("matched").getString("sessionId");
    assertEquals(sid, a.await("matched").getString("sessionId"));
    return sid;
  }

  private static ReplyException failure(Vertx from, String address, JsonObject body) throws Exception {
    try {
      from.eventBus().request(address, body, new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS)).await(PROBE_TIMEOUT_MS * 2, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return assertInstanceOf(ReplyException.class, e, "the request fails on the event bus");
    }
    throw new AssertionError("the gateway answered " + body);
  }

  /** The token's subject: the user id the gateway keys the socket by. */
  private static String subject(String jwt) {
    String payload = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    return new JsonObject(payload).getString("sub");
  }

  /** The user's hash in Redis: which gateway node and which connection hold the socket (written just after the socket opens). */
  private static Map<String, String> userHash(String userId) throws Exception {
    Redis redis = Redis.createClient(client, core.env().raw("REDIS_URL"));
    try {
      long deadline = System.currentTimeMillis() + REGISTERED_WAIT_MS;
      while (true) {
        Response r = redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.user(userId)).arg("node").arg("conn")).await(10, TimeUnit.SECONDS);
        if (r.get(0) != null && r.get(1) != null) return Map.of("node", r.get(0).toString(), "conn", r.get(1).toString());
        if (System.currentTimeMillis() > deadline) throw new AssertionError("user " + userId + " not registered in Redis within " + REGISTERED_WAIT_MS + " ms");
        Thread.sleep(50);
      }
    } finally {
      redis.close();
    }
  }
}
