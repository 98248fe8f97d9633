package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.tandem.common.RedisConnector;
import io.tandem.common.RedisKeys;
import io.tandem.common.ServiceRunner;
import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.tandem.matchmaker.MatchmakerModule;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 clients join at the same moment with two matchmaker instances competing: exactly 100
 * sessions, every client matched exactly once, nobody left waiting.
 */
class ConcurrentJoinIT {
  static final int CLIENTS = 200;
  static Launcher launcher;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    port = LocalRedis.freePort();
    launcher = Launcher.start(Settings.manyTokens(Map.of("GATEWAY_PORT", Integer.toString(port))));
    // a second matchmaker instance: its consumers share the join address round-robin with the first
    ServiceRunner.deploy(launcher.vertx(), launcher.env(), MatchmakerModule::verticles).await(10, TimeUnit.SECONDS);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await();
    launcher.close();
  }

  @Test
  void twoHundredSimultaneousJoinsMakeExactlyOneHundredSessions() throws Exception {
    List<WsClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < CLIENTS; i++) clients.add(WsClient.connect(client, port, Http.token(port, "P" + i).getString("accessToken")));
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> senders = new ArrayList<>();
      for (WsClient c : clients) {
        Thread t = new Thread(() -> {
          try {
            go.await();
            c.send("join-queue", new JsonObject());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        t.start();
        senders.add(t);
      }
      go.countDown();
      for (Thread t : senders) t.join();

      Map<String, List<JsonObject>> sessions = new HashMap<>();
      for (WsClient c : clients) {
        JsonObject m = c.await("matched");
        sessions.computeIfAbsent(m.getString("sessionId"), k -> new ArrayList<>()).add(m);
      }
      Thread.sleep(500); // anything extra would arrive by now
      for (WsClient c : clients) assertEquals(1, c.all("matched").size(), "every client is matched exactly once");
      assertEquals(CLIENTS / 2, sessions.size(), "exactly one session per pair");
      for (List<JsonObject> pair : sessions.values()) {
        assertEquals(2, pair.size());
        assertNotEquals(pair.get(0).getString("role"), pair.get(1).getString("role"));
        assertNotEquals(pair.get(0).getString("peerId"), pair.get(1).getString("peerId"));
      }

      Redis redis = RedisConnector.create(client, launcher.env());
      long keys = redis.send(Request.cmd(Command.KEYS).arg(RedisKeys.SESSION_PREFIX + "*")).await().size();
      assertEquals(CLIENTS / 2, keys, "Redis holds exactly 100 sessions");
      assertEquals(0, redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.QUEUE)).await().toInteger(), "nobody left waiting");
      redis.close();
    } finally {
      clients.forEach(WsClient::close);
    }
  }
}
