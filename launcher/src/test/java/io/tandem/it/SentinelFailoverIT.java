package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Redis high availability for real, as the redis-sentinel component ships it: three password-protected
 * Redis processes and three Sentinels started from k8s/components/redis-sentinel (redis.conf,
 * sentinel.conf, and each one configured by the shipped redis-init.sh / sentinel-init.sh, as the init
 * containers do; see {@link ShippedSentinels}) on loopback, the whole system in sentinel mode. With a
 * live call and a waiting user, first a planned switch ({@code SENTINEL FAILOVER}: the old master stays
 * up as a replica and refuses writes), then a crash (SIGKILL of the master); Sentinel promotes a
 * replica each time and the services carry on by themselves; the crashed "pod" restarted through its
 * init script comes back as a replica of the new master. Uses the shipped timings
 * (down-after-milliseconds 5000). Measures and prints how long it took; docs/production.md
 * ("Redis failover") records the numbers and what users see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SentinelFailoverIT {
  static String MASTER_NAME;
  static final String PASSWORD = "sentinel-pw-" + UUID.randomUUID();
  /** Longest the whole recovery may take in this test. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(40);

  static ShippedSentinels servers;
  static int master;
  static List<Integer> sentinels;
  static Launcher launcher;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    servers = new ShippedSentinels(PASSWORD);
    MASTER_NAME = servers.masterName;
    sentinels = servers.sentinelPorts;
    for (int i = 0; i < ShippedSentinels.PODS; i++) servers.startRedis(i);
    for (int i = 0; i < ShippedSentinels.PODS; i++) servers.startSentinel(i);
    master = servers.redisPorts.get(0);
    assertEquals("starting as master", servers.initOutput.get(master), "first start, no Sentinel: the first pod is master");
    for (int r : servers.redisPorts.subList(1, ShippedSentinels.PODS)) {
      assertEquals("starting as replica of 127.0.0.1:" + master, servers.initOutput.get(r), "the other pods found the master");
    }
    waitFor(Duration.ofSeconds(30), "replicas in sync and known to every Sentinel, Sentinels know each other", () -> {
      for (int r : replicas()) {
        if (!RedisServers.cli(r, PASSWORD, "info", "replication").contains("master_link_status:up")) return false;
      }
      for (int s : sentinels) {
        String info = RedisServers.cli(s, PASSWORD, "info", "sentinel");
        if (!info.contains("slaves=2") || !info.contains("sentinels=3")) return false;
      }
      return true;
    });
    port = LocalRedis.freePort();
    // The component's own settings for the services (REDIS_MODE, REDIS_MASTER_NAME, NODE_TTL_MS), plus where Redis is.
    Map<String, String> env = new java.util.HashMap<>(servers.serviceSettings);
    env.put("GATEWAY_PORT", Integer.toString(port));
    env.put("REDIS_URL", servers.url());
    launcher = Launcher.start(Settings.manyClients(env));
    client = Vertx.vertx();
  }

  /** The Redis ports other than the master's. */
  static List<Integer> replicas() {
    return servers.redisPorts.stream().filter(p -> p != master).toList();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await();
    if (launcher != null) launcher.close();
    if (servers != null) servers.close();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static long waitFor(Duration bound, String what, Check check) throws Exception {
    long t0 = System.nanoTime();
    long end = t0 + bound.toNanos();
    while (System.nanoTime() < end) {
      if (check.ok()) return (System.nanoTime() - t0) / 1_000_000;
      Thread.sleep(50);
    }
    throw new AssertionError("not within " + bound + ": " + what);
  }

  WsClient connect(String name) throws Exception {
    return WsClient.connect(client, port, Http.token(port, name).getString("accessToken"));
  }

  static String masterPort() throws Exception {
    String out = RedisServers.cli(sentinels.get(0), PASSWORD, "sentinel", "get-master-addr-by-name", MASTER_NAME);
    String[] lines = out.split("\\s+");
    return lines.length == 2 ? lines[1] : "";
  }

  /** Two users meet, a third waits; returns them (the caller closes them). */
  List<WsClient> callAndWaiter() throws Exception {
    WsClient a = connect("Ann");
    WsClient b = connect("Ben");
    WsClient w = connect("Wes");
    a.send("join-queue", new JsonObject());
    a.await("queued");
    b.send("join-queue", new JsonObject());
    a.await("matched");
    b.await("matched");
    w.send("join-queue", new JsonObject());
    w.await("queued");
    return List.of(a, b, w);
  }

  @Test
  @Order(1)
  void aPlannedSwitchWithTheOldMasterStillUp() throws Exception {
    assertEquals(Integer.toString(master), masterPort());
    List<WsClient> users = callAndWaiter();
    try {
      String sid = users.get(0).all("matched").get(0).getString("sessionId");
      long t0 = System.nanoTime();
      int old = master;
      assertEquals("OK", RedisServers.cli(sentinels.get(1), PASSWORD, "sentinel", "failover", MASTER_NAME));
      long promotedMs = waitFor(RECOVERY_BOUND, "a replica became master", () -> !masterPort().isEmpty() && !masterPort().equals(Integer.toString(old)));
      System.out.printf("sentinel planned switch (SENTINEL FAILOVER): promoted after %d ms%n", promotedMs);
      joinAndMeetTheWaiter(users.get(2), t0);
      users.get(1).send("send-message", new JsonObject().put("sessionId", sid).put("message", "still here"));
      assertEquals("Ben", users.get(0).await("message").getString("sender"));
      users.get(0).send("end-call", new JsonObject().put("sessionId", sid));
      assertEquals("left", users.get(1).await("peer-disconnected").getString("reason"), "writes reach the new master");
      for (WsClient u : users) assertTrue(!u.isClosed(), "no socket was closed by the switch");
      waitFor(RECOVERY_BOUND, "the old master follows the new one",
          () -> RedisServers.cli(old, PASSWORD, "info", "replication").contains("master_link_status:up"));
    } finally {
      users.forEach(WsClient::close);
    }
    master = Integer.parseInt(masterPort());
  }

  /**
   * A newcomer does what a client does during the switch: gets a token and a socket (retrying HTTP
   * and handshake 503s), sends join-queue until it is answered, and reconnects when told its socket
   * is {@code gone} (its registration was written to the old master and lost). Then it meets the user
   * who waited. Returns ms from {@code t0} until the join was answered.
   */
  long joinAndMeetTheWaiter(WsClient waiting, long t0) throws Exception {
    WsClient[] c = {null};
    List<String> seen = new ArrayList<>();
    int[] reconnects = {0};
    long[] connectedMs = {-1};
    try {
      waitFor(RECOVERY_BOUND, "a newcomer connects and its join is answered", () -> {
        if (c[0] == null) {
          try {
            c[0] = connect("Cat");
            connectedMs[0] = (System.nanoTime() - t0) / 1_000_000;
          } catch (Exception | AssertionError refused) {
            seen.add(refused.getClass().getSimpleName() + ": " + refused.getMessage());
            Thread.sleep(100);
            return false;
          }
        }
        c[0].send("join-queue", new JsonObject());
        try {
          c[0].await("queued", Duration.ofMillis(700));
          return true;
        } catch (AssertionError notYet) {
          if (!c[0].all("matched").isEmpty()) return true;
          List<JsonObject> errors = c[0].all("error");
          errors.forEach(e -> seen.add("join error: " + e.getString("code")));
          if (errors.stream().anyMatch(e -> "gone".equals(e.getString("code")))) {
            c[0].close();
            c[0] = null;
            reconnects[0]++;
          }
          return false;
        }
      });
      long joinedMs = (System.nanoTime() - t0) / 1_000_000;
      JsonObject matched = c[0].await("matched", Duration.ofSeconds(10));
      assertEquals(matched.getString("sessionId"), waiting.await("matched", Duration.ofSeconds(10)).getString("sessionId"),
          "the user who waited before the failover is still in the queue and meets the newcomer");
      System.out.printf("  newcomer: socket after %d ms, join answered after %d ms, %d reconnects; refusals seen: %s%n",
          connectedMs[0], joinedMs, reconnects[0], seen.stream().map(x -> x.length() > 90 ? x.substring(0, 90) : x).distinct().toList());
      return joinedMs;
    } finally {
      if (c[0] != null) c[0].close();
    }
  }

  @Test
  @Order(2)
  void killingTheMasterDuringLiveCallsAndWaitingUsers() throws Exception {
    assertEquals(Integer.toString(master), masterPort());
    List<WsClient> users = callAndWaiter();
    WsClient a = users.get(0);
    WsClient b = users.get(1);
    try {
      String sid = a.all("matched").get(0).getString("sessionId");
      // Let the replica receive the writes, as it would in steady state (replication is asynchronous).
      Thread.sleep(200);
      long killedAt = System.nanoTime();
      int old = master;
      servers.kill(old);
      // The live call relays signaling at once (node to node, no Redis).
      a.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", "o")));
      b.await("offer");
      long promotedMs = waitFor(RECOVERY_BOUND, "a Sentinel promoted a replica", () -> !masterPort().isEmpty() && !masterPort().equals(Integer.toString(old)));
      System.out.printf("sentinel crash (SIGKILL of the master, shipped down-after-milliseconds): promoted after %d ms%n", promotedMs);
      long joinedMs = joinAndMeetTheWaiter(users.get(2), killedAt);
      b.send("send-message", new JsonObject().put("sessionId", sid).put("message", "still here"));
      assertEquals("Ben", a.await("message").getString("sender"));
      a.send("end-call", new JsonObject().put("sessionId", sid));
      assertEquals("left", b.await("peer-disconnected").getString("reason"), "the old call ends cleanly on the new master");
      for (WsClient u : users) assertTrue(!u.isClosed(), "no socket was closed by the failover");
      assertTrue(joinedMs < RECOVERY_BOUND.toMillis(), "recovered within the bound");
      master = Integer.parseInt(masterPort());
      // The crashed pod restarts: its init script asks the Sentinels and it comes back as a replica.
      servers.startRedis(servers.redisPorts.indexOf(old));
      assertEquals("starting as replica of 127.0.0.1:" + master, servers.initOutput.get(old), "the restarted old master follows the new one");
      waitFor(RECOVERY_BOUND, "the restarted pod replicates the new master",
          () -> RedisServers.cli(old, PASSWORD, "info", "replication").contains("master_link_status:up"));
    } finally {
      users.forEach(WsClient::close);
    }
    JsonObject pair = Http.token(port, "After");
    assertEquals(200, Http.post(port, "/auth/refresh", new JsonObject().put("refreshToken", pair.getString("refreshToken")).encode()).status(),
        "tokens issued after the failover refresh");
  }
}
