package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Matching people like: a shared language and interests first, relaxing after a wait, no instant rematch, presence. */
class MatchingIT {
  static final int RELAX_MS = 600;
  static Launcher launcher;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    port = LocalRedis.freePort();
    launcher = Launcher.start(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port), "RELAX_MS", Integer.toString(RELAX_MS),
        "REMATCH_COOLDOWN_MS", "30000", "STATS_INTERVAL_MS", "500")));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await();
    launcher.close();
  }

  WsClient connect(String name) throws Exception {
    return WsClient.connect(client, port, Http.token(port, name).getString("accessToken"));
  }

  static JsonObject interests(String... names) {
    JsonArray a = new JsonArray();
    for (String n : names) a.add(n);
    return new JsonObject().put("interests", a);
  }

  static void assertNotMatched(WsClient c, Duration within) throws InterruptedException {
    try {
      JsonObject m = c.await("matched", within);
      throw new IllegalStateException("unexpected match: " + m);
    } catch (AssertionError expected) {
      assertTrue(expected.getMessage().startsWith("no 'matched'"), expected.getMessage());
    }
  }

  @Test
  void sharedInterestsArePairedFirstThenAnyoneAfterTheRelaxTime() throws Exception {
    try (WsClient a = connect("A"); WsClient b = connect("B"); WsClient c = connect("C"); WsClient d = connect("D")) {
      a.send("join-queue", interests("Music "));
      a.await("queued");
      b.send("join-queue", interests("chess"));
      b.await("queued");
      c.send("join-queue", interests("art", "MUSIC"));
      JsonObject mc = c.await("matched");
      assertEquals("A", mc.getJsonObject("peer").getString("name"), "C shares music with A, not with B who waited too");
      assertEquals(new JsonArray().add("music"), mc.getJsonArray("commonInterests"));
      assertEquals(new JsonArray().add("music"), a.await("matched").getJsonArray("commonInterests"));
      assertNotMatched(b, Duration.ofMillis(200));
      Thread.sleep(RELAX_MS);
      d.send("join-queue", new JsonObject());
      JsonObject md = d.await("matched");
      assertEquals("B", md.getJsonObject("peer").getString("name"), "B waited past the relax time: paired with anyone");
      assertEquals(new JsonArray(), md.getJsonArray("commonInterests"));
    }
  }

  /** A token for a person who speaks {@code languages} (stated at sign-in, as the page does). */
  WsClient speaking(String name, String... languages) throws Exception {
    JsonObject body = new JsonObject().put("deviceId", java.util.UUID.randomUUID().toString()).put("name", name).put("age", 30)
        .put("languages", new JsonArray(java.util.List.of(languages)));
    Http.Answer a = Http.postToken(port, body);
    assertEquals(200, a.status(), a.body().encode());
    return WsClient.connect(client, port, a.body().getString("accessToken"));
  }

  @Test
  void aSharedLanguageComesBeforeALongerWaitAndIsNamed() throws Exception {
    try (WsClient es = speaking("Es", "es"); WsClient en = speaking("En", "en"); WsClient joiner = connect("J");
         WsClient de = speaking("De", "de"); WsClient late = connect("L")) {
      es.send("join-queue", new JsonObject());
      es.await("queued");
      en.send("join-queue", new JsonObject());
      en.await("queued");
      joiner.send("join-queue", new JsonObject().put("languages", new JsonArray().add("EN").add("fr")));
      JsonObject m = joiner.await("matched");
      assertEquals("En", m.getJsonObject("peer").getString("name"), "the English speaker, though the Spanish speaker waited longer");
      assertEquals("en", m.getString("commonLanguage"));
      assertEquals("en", en.await("matched").getString("commonLanguage"), "from the language stated at sign-in");
      de.send("join-queue", new JsonObject());
      de.await("queued");
      assertNotMatched(es, Duration.ofMillis(RELAX_MS / 3));
      // past the relax time the two without a shared language meet (the sweep), and the call names none
      JsonObject relaxed = es.await("matched", Duration.ofMillis(RELAX_MS + 3000));
      assertEquals("De", relaxed.getJsonObject("peer").getString("name"));
      assertTrue(!relaxed.containsKey("commonLanguage"), relaxed.encode());
      late.send("join-queue", new JsonObject().put("languages", new JsonArray().add("es-MX")));
      JsonObject err = late.await("error");
      assertEquals("invalid-field", err.getString("code"));
      assertTrue(err.getString("message").startsWith("languages "), "names the field: " + err.getString("message"));
    }
    JsonObject bad = new JsonObject().put("deviceId", java.util.UUID.randomUUID().toString()).put("age", 30)
        .put("languages", new JsonArray().add("klingon"));
    Http.Answer refused = Http.postToken(port, bad);
    assertEquals(400, refused.status());
    assertTrue(refused.body().getJsonObject("error").getString("message").startsWith("languages "), refused.body().encode());
  }

  @Test
  void theSweepPairsWaitingUsersOnceTheyRelax() throws Exception {
    try (WsClient e = connect("E"); WsClient f = connect("F")) {
      e.send("join-queue", interests("music"));
      e.await("queued");
      f.send("join-queue", interests("chess"));
      f.await("queued");
      assertNotMatched(e, Duration.ofMillis(RELAX_MS / 2));
      JsonObject m = e.await("matched", Duration.ofMillis(RELAX_MS + 3000));
      assertEquals("F", m.getJsonObject("peer").getString("name"));
      assertEquals(new JsonArray(), m.getJsonArray("commonInterests"));
      f.await("matched");
    }
  }

  @Test
  void noInstantRematchUnlessTheyAreTheOnlyTwoWaiting() throws Exception {
    try (WsClient g = connect("G"); WsClient h = connect("H"); WsClient i = connect("I")) {
      g.send("join-queue", new JsonObject());
      g.await("queued");
      h.send("join-queue", new JsonObject());
      String sid = h.await("matched").getString("sessionId");
      // taken now, so the await after H's next join waits for that join's own answer (H must be queued before G)
      assertEquals(new JsonObject(), h.await("queued"), "a join matched at once is acknowledged with {}");
      g.await("matched");
      g.send("end-call", new JsonObject().put("sessionId", sid));
      g.await("call-ended");
      h.await("peer-disconnected");
      h.send("join-queue", new JsonObject());
      h.await("queued");
      g.send("join-queue", new JsonObject());
      g.await("queued");
      assertNotMatched(g, Duration.ofMillis(RELAX_MS / 2));
      i.send("join-queue", new JsonObject());
      assertEquals("H", i.await("matched").getJsonObject("peer").getString("name"));
      h.await("matched");
      // G is alone now; end H–I and let only G and H wait: after the relax time they may meet again.
      String sid2 = i.all("matched").get(0).getString("sessionId");
      i.send("end-call", new JsonObject().put("sessionId", sid2));
      h.await("peer-disconnected");
      i.send("leave-queue", new JsonObject());
      h.send("join-queue", new JsonObject());
      h.await("queued");
      JsonObject again = g.await("matched", Duration.ofMillis(RELAX_MS + 3000));
      assertEquals("H", again.getJsonObject("peer").getString("name"), "the only two waiting beats waiting forever");
    }
  }

  @Test
  void presenceCounts() throws Exception {
    try (WsClient p = connect("P")) {
      p.send("join-queue", new JsonObject());
      JsonObject q = p.await("queued");
      assertTrue(q.getLong("online") >= 1 && q.getLong("waiting") >= 1, q.encode());
      JsonObject s = p.await("stats", Duration.ofSeconds(3));
      assertTrue(s.getLong("online") >= 1 && s.getLong("waiting") >= 1, s.encode());
      Http.Answer http = Http.get(port, "/stats");
      assertEquals(200, http.status());
      assertTrue(http.body().getLong("online") >= 1 && http.body().getLong("waiting") >= 1, http.body().encode());
      p.send("leave-queue", new JsonObject());
    }
  }
}
