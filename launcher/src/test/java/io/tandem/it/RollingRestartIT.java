package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A rolling restart of the gateways ends no call: two gateway processes behind a round-robin
 * {@link TcpProxy} (as a Kubernetes Service), {@link #CALLS} live calls, gateway 1 stopped with
 * SIGTERM and started again, then gateway 2. Every user's socket is closed with 1012 by its draining
 * gateway; each resumes through the proxy on the other one. Prints each client's time without
 * signaling (p50/p99).
 */
class RollingRestartIT {
  static final int CALLS = 50;
  /** Longest wait for every user to be back on a socket after a gateway stopped, ms. */
  static final long SETTLE_MS = 15_000;

  @Test
  void aRollingRestartOfTheGatewaysEndsNoCall() throws Exception {
    int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
    Map<String, String> cluster = Settings.manyClients(Map.of("CLUSTER_NAME", "it-" + UUID.randomUUID(),
        "CLUSTER_PORT", Integer.toString(base)));
    Map<String, String> core = new HashMap<>(cluster);
    core.put("CLUSTERED", "true");
    core.put("LAUNCHER_SERVICES", "auth,matchmaker,chat");
    core.put("GATEWAY_PORT", Integer.toString(LocalRedis.freePort()));
    // one reconnect thread per user: a reconnect blocks its thread while it connects, as each browser tab waits on its own
    ScheduledExecutorService timers = Executors.newScheduledThreadPool(2 * CALLS);
    Vertx client = Vertx.vertx();
    try (Launcher services = Launcher.start(core)) {
      Map<String, String> gw = new HashMap<>(cluster);
      gw.put("REDIS_URL", services.env().raw("REDIS_URL"));
      int port1 = LocalRedis.freePort();
      int port2 = LocalRedis.freePort();
      GatewayProcess g1 = GatewayProcess.start("rolling-gw1", port1, gw);
      GatewayProcess g2 = GatewayProcess.start("rolling-gw2", port2, gw);
      List<ResumingClient> users = new ArrayList<>();
      try (TcpProxy lb = new TcpProxy(List.of(port1, port2))) {
        List<ResumingClient[]> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
          ResumingClient a = new ResumingClient(client, timers, lb.port(), "A" + i);
          ResumingClient b = new ResumingClient(client, timers, lb.port(), "B" + i);
          users.add(a);
          users.add(b);
          a.socket().send("join-queue", new JsonObject());
          a.socket().await("queued");
          b.socket().send("join-queue", new JsonObject());
          String sid = b.socket().await("matched").getString("sessionId");
          assertEquals(sid, a.socket().await("matched").getString("sessionId"));
          a.inCall(sid);
          b.inCall(sid);
          calls.add(new ResumingClient[] {a, b});
        }
        System.out.printf("rolling restart: %d live calls, sockets per gateway %s%n", CALLS, lb.connectionsPerBackend());

        long stop1 = g1.stop();
        awaitSettled(users);
        System.out.printf("gateway 1 stopped (SIGTERM) in %d ms; sockets per gateway %s%n", stop1, lb.connectionsPerBackend());
        g1 = GatewayProcess.start("rolling-gw1", port1, gw);
        long stop2 = g2.stop();
        awaitSettled(users);
        System.out.printf("gateway 2 stopped (SIGTERM) in %d ms; sockets per gateway %s%n", stop2, lb.connectionsPerBackend());
        g2 = GatewayProcess.start("rolling-gw2", port2, gw);

        List<String> ended = users.stream().filter(u -> u.ended != null).map(u -> u + " " + u.ended).toList();
        assertEquals(List.of(), ended, "no call ended");
        for (ResumingClient[] c : calls) {
          String sid = c[0].sessionId();
          c[0].socket().send("send-offer", new JsonObject().put("sessionId", sid)
              .put("offer", new JsonObject().put("type", "offer").put("sdp", "after-" + sid)));
          assertEquals("after-" + sid, c[1].socket().await("offer").getJsonObject("offer").getString("sdp"),
              "signaling flows between the resumed sockets");
        }
        List<Long> offline = new ArrayList<>();
        users.forEach(u -> offline.addAll(u.offlineMs));
        offline.sort(null);
        int drops = users.stream().mapToInt(u -> u.drops).sum();
        assertEquals(drops, offline.size(), "every dropped socket's user resumed");
        assertTrue(users.stream().allMatch(u -> u.drops >= 1), "every user was moved at least once (gateway 2's stop)");
        System.out.printf("time without signaling per move: p50 %d ms, p99 %d ms, max %d ms (%d moves, 0 calls ended)%n",
            offline.get(offline.size() / 2), offline.get((int) Math.ceil(offline.size() * 0.99) - 1),
            offline.get(offline.size() - 1), offline.size());
      } finally {
        users.forEach(ResumingClient::close);
        g1.close();
        g2.close();
      }
    } finally {
      client.close().await();
      timers.shutdownNow();
    }
  }

  private static void awaitSettled(List<ResumingClient> users) throws InterruptedException {
    long deadline = System.currentTimeMillis() + SETTLE_MS;
    while (System.currentTimeMillis() < deadline) {
      if (users.stream().allMatch(ResumingClient::settled)) return;
      Thread.sleep(100);
    }
    throw new AssertionError("users not back on a socket within " + SETTLE_MS + " ms: "
        + users.stream().filter(u -> !u.settled()).toList());
  }
}
