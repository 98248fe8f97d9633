package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The whole story on the one-JVM launcher with a real Redis: token → match → signaling → chat → end. */
class CallFlowIT {
  static Launcher launcher;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    port = LocalRedis.freePort();
    launcher = Launcher.start(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port))));
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

  @Test
  void wholeStory() throws Exception {
    try (WsClient alice = connect("Alice"); WsClient bob = connect("Bob")) {
      alice.send("join-queue", new JsonObject());
      JsonObject queued = alice.await("queued");
      assertTrue(queued.containsKey("online") && queued.containsKey("waiting"), "queued carries presence counts");
      bob.send("join-queue", new JsonObject());
      bob.await("queued");
      JsonObject ma = alice.await("matched");
      JsonObject mb = bob.await("matched");
      String sid = ma.getString("sessionId");
      assertEquals(sid, mb.getString("sessionId"));
      assertEquals("caller", ma.getString("role"), "the one who waited longer calls");
      assertEquals("callee", mb.getString("role"));
      assertEquals("Bob", ma.getJsonObject("peer").getString("name"));
      assertEquals("Alice", mb.getJsonObject("peer").getString("name"));
      assertNotNull(ma.getJsonArray("iceServers"));
      String aliceId = mb.getString("peerId");
      String bobId = ma.getString("peerId");
      assertNotEquals(aliceId, bobId);

      alice.send("send-offer", new JsonObject().put("sessionId", sid)
          .put("offer", new JsonObject().put("type", "offer").put("sdp", "v=0 offer").put("junk", "dropped")));
      JsonObject offer = bob.await("offer");
      assertEquals(sid, offer.getString("sessionId"));
      assertEquals(aliceId, offer.getString("from"));
      assertEquals("v=0 offer", offer.getJsonObject("offer").getString("sdp"));
      assertTrue(!offer.getJsonObject("offer").containsKey("junk"), "only known fields are relayed");

      bob.send("send-answer", new JsonObject().put("sessionId", sid)
          .put("answer", new JsonObject().put("type", "answer").put("sdp", "v=0 answer")));
      JsonObject answer = alice.await("answer");
      assertEquals(bobId, answer.getString("from"));
      assertEquals("v=0 answer", answer.getJsonObject("answer").getString("sdp"));

      for (int i = 0; i < 3; i++) {
        alice.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate",
            new JsonObject().put("candidate", "candidate:" + i + " 1 udp 1 127.0.0.1 5000" + i + " typ host").put("sdpMid", "0").put("sdpMLineIndex", 0)));
      }
      for (int i = 0; i < 3; i++) {
        JsonObject c = bob.await("candidate");
        assertEquals(aliceId, c.getString("from"));
        assertTrue(c.getJsonObject("candidate").getString("candidate").startsWith("candidate:" + i), "candidates keep their order");
      }
      bob.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate",
          new JsonObject().put("candidate", "candidate:9 1 udp 1 127.0.0.1 6000 typ host").put("sdpMid", "0").put("sdpMLineIndex", 0)));
      assertEquals(bobId, alice.await("candidate").getString("from"));

      alice.send("send-message", new JsonObject().put("sessionId", sid).put("message", "  Hi\u0007 Bob!  ").put("sender", "Mallory"));
      JsonObject msg = bob.await("message");
      assertEquals("Hi Bob!", msg.getString("message"), "trimmed, control characters removed");
      assertEquals("Alice", msg.getString("sender"), "sender comes from the token, never the client");
      assertEquals(aliceId, msg.getString("from"));
      assertEquals(sid, msg.getString("sessionId"));
      assertTrue(msg.getLong("ts") > 0);
      assertEquals("Hi Bob!", alice.await("message").getString("message"), "the sender sees the delivered text");

      alice.send("end-call", new JsonObject().put("sessionId", sid));
      assertEquals(sid, alice.await("call-ended").getString("sessionId"));
      JsonObject gone = bob.await("peer-disconnected");
      assertEquals(sid, gone.getString("sessionId"));
      assertEquals("left", gone.getString("reason"));

      // After the call nothing crosses any more, and both can search again (not with each other at once).
      alice.send("send-message", new JsonObject().put("sessionId", sid).put("message", "still there?"));
      assertEquals("not-in-session", alice.await("error").getString("code"));
      bob.send("join-queue", new JsonObject());
      bob.await("queued");
      alice.send("join-queue", new JsonObject());
      alice.await("queued");
      try (WsClient carol = connect("Carol")) {
        carol.send("join-queue", new JsonObject());
        JsonObject mc = carol.await("matched");
        assertEquals("Bob", mc.getJsonObject("peer").getString("name"), "the longest-waiting compatible user");
        assertEquals("caller", bob.await("matched").getString("role"));
        assertEquals(1, alice.all("matched").size(), "alice is not matched again with bob at once");
        alice.send("leave-queue", new JsonObject());
      }
      assertEquals(1, bob.all("message").size(), "no stray chat reached bob");
    }
  }

  @Test
  void anOfferSentTheInstantMatchedArrivesIsNotLost() throws Exception {
    for (int i = 0; i < 20; i++) {
      try (WsClient caller = connect("Fast" + i); WsClient callee = connect("Slow" + i)) {
        caller.onFrame(f -> {
          if ("matched".equals(f.getString("type"))) {
            caller.sendNow("send-offer", new JsonObject().put("sessionId", f.getJsonObject("data").getString("sessionId"))
                .put("offer", new JsonObject().put("type", "offer").put("sdp", "v=0 instant")));
          }
        });
        caller.send("join-queue", new JsonObject());
        caller.await("queued");
        callee.send("join-queue", new JsonObject());
        String sid = callee.await("matched").getString("sessionId");
        assertEquals(sid, callee.await("offer").getString("sessionId"), "pair " + i + ": the early offer reached the callee");
      }
    }
  }

  @Test
  void closedSocketEndsTheCallAndTellsThePeer() throws Exception {
    try (WsClient a = connect("A"); WsClient b = connect("B")) {
      a.send("join-queue", new JsonObject());
      a.await("queued");
      b.send("join-queue", new JsonObject());
      String sid = a.await("matched").getString("sessionId");
      b.await("matched");
      b.close();
      JsonObject gone = a.await("peer-disconnected");
      assertEquals(sid, gone.getString("sessionId"));
      assertEquals("disconnected", gone.getString("reason"));
    }
  }

  @Test
  void ghostsAreNeverMatched() throws Exception {
    try (WsClient ghost = connect("Ghost")) {
      ghost.send("join-queue", new JsonObject());
      ghost.send("join-queue", new JsonObject());
      ghost.await("queued");
      ghost.await("queued");
      ghost.close();
    }
    Thread.sleep(200);
    try (WsClient x = connect("X"); WsClient y = connect("Y")) {
      x.send("join-queue", new JsonObject());
      x.await("queued");
      y.send("join-queue", new JsonObject());
      JsonObject mx = x.await("matched");
      JsonObject my = y.await("matched");
      assertEquals(mx.getString("sessionId"), my.getString("sessionId"), "x and y found each other, not the ghost");
      assertEquals("Y", mx.getJsonObject("peer").getString("name"));
    }
  }

  @Test
  void repeatedJoinKeepsOneEntry() throws Exception {
    try (WsClient a = connect("A2"); WsClient b = connect("B2"); WsClient c = connect("C2")) {
      a.send("join-queue", new JsonObject()).send("join-queue", new JsonObject()).send("join-queue", new JsonObject());
      for (int i = 0; i < 3; i++) a.await("queued");
      b.send("join-queue", new JsonObject());
      assertEquals("A2", b.await("matched").getJsonObject("peer").getString("name"));
      c.send("join-queue", new JsonObject());
      c.await("queued");
      try {
        c.await("matched", Duration.ofMillis(1500));
        throw new AssertionError("c was matched with a duplicate entry");
      } catch (AssertionError expected) {
        assertTrue(expected.getMessage().startsWith("no 'matched'"), expected.getMessage());
      }
      c.send("leave-queue", new JsonObject());
    }
  }
}
