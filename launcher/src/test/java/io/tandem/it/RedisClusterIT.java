package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core flow and a concurrent-join burst against a real three-master Redis Cluster. */
class RedisClusterIT {
  static RedisClusterProcesses cluster;
  static Launcher launcher;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    RedisClusterProcesses.requireBinaries();
    cluster = new RedisClusterProcesses(3);
    port = LocalRedis.freePort();
    launcher = Launcher.start(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port),
        "REDIS_URL", cluster.urls(), "REDIS_MODE", "cluster")));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await();
    if (launcher != null) launcher.close();
    if (cluster != null) cluster.close();
  }

  WsClient connect(String name) throws Exception {
    return WsClient.connect(client, port, Http.token(port, name).getString("accessToken"));
  }

  @Test
  void wholeCallOnRedisCluster() throws Exception {
    try (WsClient a = connect("Ann"); WsClient b = connect("Ben")) {
      a.send("join-queue", new JsonObject().put("interests", new io.vertx.core.json.JsonArray().add("jazz")));
      a.await("queued");
      b.send("join-queue", new JsonObject().put("interests", new io.vertx.core.json.JsonArray().add("jazz")));
      JsonObject mb = b.await("matched");
      String sid = a.await("matched").getString("sessionId");
      assertEquals(sid, mb.getString("sessionId"));
      a.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", "o")));
      b.await("offer");
      b.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hi"));
      assertEquals("Ben", a.await("message").getString("sender"));
      a.send("report", new JsonObject().put("sessionId", sid).put("reason", "other"));
      a.await("reported");
      a.send("end-call", new JsonObject().put("sessionId", sid));
      assertEquals("left", b.await("peer-disconnected").getString("reason"));
      JsonObject refreshed = Http.post(port, "/auth/refresh", new JsonObject().put("refreshToken",
          Http.token(port, "R").getString("refreshToken")).encode()).body();
      assertEquals("Bearer", refreshed.getString("tokenType"));
    }
  }

  @Test
  void concurrentJoinsOnRedisCluster() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) clients.add(connect("C" + i));
      clients.parallelStream().forEach(c -> c.send("join-queue", new JsonObject()));
      Set<String> sessions = new HashSet<>();
      for (WsClient c : clients) sessions.add(c.await("matched").getString("sessionId"));
      assertEquals(50, sessions.size());
    } finally {
      clients.forEach(WsClient::close);
    }
  }
}
