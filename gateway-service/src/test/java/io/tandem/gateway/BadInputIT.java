package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.it.Http;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import io.tandem.it.Settings;
import io.tandem.it.TestKeys;
import io.tandem.it.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input everywhere gets a clear error and loses nothing else: HTTP bodies, WebSocket frames,
 * foreign sessions, and forged or expired tokens at the handshake. auth-service signs with a
 * configured PEM key so the test can forge tokens with the same key.
 */
class BadInputIT {
  static final String ISSUER = "tandem-auth";
  static final String AUDIENCE = "tandem";
  static ServiceStack stack;
  static int port;
  static Vertx client;
  static TestKeys keys;

  @BeforeAll
  static void start() throws Exception {
    port = Ports.free();
    keys = new TestKeys(Path.of("target", "test-keys"), "test-key-1");
    stack = GatewayStack.start(Settings.manyClients(Map.of("GATEWAY_PORT", Integer.toString(port),
        "JWT_PRIVATE_KEY_PATH", keys.privatePem.toString(), "JWT_PUBLIC_KEY_PATH", keys.publicPem.toString(),
        "JWT_KEY_ID", keys.kid)));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await();
    stack.close();
  }

  WsClient connect(String name) throws Exception {
    return WsClient.connect(client, port, Http.token(port, name).getString("accessToken"));
  }

  /** Two users in a call: {a, b, sessionId}. */
  Object[] pair() throws Exception {
    WsClient a = connect("A");
    WsClient b = connect("B");
    a.send("join-queue", new JsonObject());
    a.await("queued");
    b.send("join-queue", new JsonObject());
    String sid = a.await("matched").getString("sessionId");
    b.await("matched");
    return new Object[] {a, b, sid};
  }

  @Test
  void httpValidation() throws Exception {
    assertEquals(400, Http.post(port, "/auth/token", "not json").status());
    assertEquals("bad-request", Http.post(port, "/auth/token", "[1,2]").body().getJsonObject("error").getString("code"));
    Http.Answer noDevice = Http.post(port, "/auth/token", "{\"name\":\"x\"}");
    assertEquals(400, noDevice.status());
    assertTrue(noDevice.body().getJsonObject("error").getString("message").contains("deviceId"), "the message names the field");
    assertEquals(400, Http.post(port, "/auth/token", "{\"deviceId\":\"short\"}").status());
    assertEquals(400, Http.post(port, "/auth/token", "{\"deviceId\":\"has spaces in it\"}").status());
    assertEquals(400, Http.post(port, "/auth/token", "{\"deviceId\":\"abcdefgh1\",\"name\":\"" + "n".repeat(33) + "\"}").status());
    assertEquals(400, Http.post(port, "/auth/token", "{\"deviceId\":\"abcdefgh1\",\"name\":\"\\u0007\"}").status());
    assertEquals(400, Http.post(port, "/auth/token", "{\"deviceId\":\"abcdefgh1\",\"age\":\"old\"}").status());
    Http.Answer minor = Http.post(port, "/auth/token", "{\"deviceId\":\"abcdefgh1\",\"age\":17}");
    assertEquals(403, minor.status());
    assertEquals("underage", minor.body().getJsonObject("error").getString("code"));
    assertEquals(400, Http.post(port, "/auth/token", "{\"deviceId\":\"abcdefgh1\",\"x\":\"" + "y".repeat(5000) + "\"}").status());
    for (String noAge : new String[] {"{\"deviceId\":\"abcdefgh1\"}", "{\"deviceId\":\"abcdefgh1\",\"age\":null}"}) {
      Http.Answer a = Http.post(port, "/auth/token", noAge);
      assertEquals(400, a.status(), "age is required: " + noAge);
      assertTrue(a.body().getJsonObject("error").getString("message").startsWith("age is required"), "the message names the field");
    }
    JsonObject ok = Http.postToken(port, new JsonObject().put("deviceId", "abcdefgh1").put("age", 18)).body();
    assertEquals("Bearer", ok.getString("tokenType"));
    assertEquals(300, ok.getInteger("expiresIn"));
    assertEquals(404, Http.get(port, "/auth/nothing").status());
    assertEquals(200, Http.get(port, "/auth/jwks").status());
    assertEquals(keys.kid, Http.get(port, "/auth/jwks").body().getJsonArray("keys").getJsonObject(0).getString("kid"));
  }

  @Test
  void refreshTokensAreSingleUse() throws Exception {
    JsonObject first = Http.token(port, "R");
    Http.Answer second = Http.post(port, "/auth/refresh", new JsonObject().put("refreshToken", first.getString("refreshToken")).encode());
    assertEquals(200, second.status());
    assertEquals(400, Http.post(port, "/auth/refresh", "{}").status());
    // the refreshed token is for the same user
    try (WsClient c = WsClient.connect(client, port, second.body().getString("accessToken"))) {
      c.send("refresh-token", new JsonObject().put("accessToken", first.getString("accessToken")));
      assertTrue(c.await("token-refreshed").getLong("expiresAt") > 0);
      c.send("refresh-token", new JsonObject().put("accessToken", Http.token(port, "Other").getString("accessToken")));
      assertEquals("unauthorized", c.await("error").getString("code"), "another user's token is refused");
    }
    // a spent token presented again is refused, and revokes its sign-in (TokenHardeningIT has the details)
    Http.Answer replay = Http.post(port, "/auth/refresh", new JsonObject().put("refreshToken", first.getString("refreshToken")).encode());
    assertEquals(401, replay.status());
    assertEquals("unauthorized", replay.body().getJsonObject("error").getString("code"));
    assertEquals(401, Http.post(port, "/auth/refresh", new JsonObject().put("refreshToken", second.body().getString("refreshToken")).encode()).status());
  }

  @Test
  void badFramesGetErrorsAndTheSocketStaysUsable() throws Exception {
    Object[] p = pair();
    try (WsClient a = (WsClient) p[0]; WsClient b = (WsClient) p[1]) {
      String sid = (String) p[2];
      a.sendRaw("this is not json");
      assertEquals("invalid-json", a.await("error").getString("code"));
      a.sendRaw("[1,2,3]");
      assertEquals("invalid-json", a.await("error").getString("code"));
      a.sendRaw("{\"type\":42,\"data\":{}}");
      assertEquals("invalid-json", a.await("error").getString("code"));
      a.sendRaw("{\"type\":\"send-offer\",\"data\":\"nope\"}");
      assertEquals("invalid-json", a.await("error").getString("code"));
      a.send("fly-to-moon", new JsonObject());
      assertEquals("unknown-type", a.await("error").getString("code"));
      a.send("send-offer", new JsonObject().put("sessionId", sid));
      JsonObject missing = a.await("error");
      assertEquals("invalid-field", missing.getString("code"));
      assertEquals("send-offer", missing.getString("ref"));
      assertTrue(missing.getString("message").contains("offer"));
      a.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "answer").put("sdp", "x")));
      assertEquals("invalid-field", a.await("error").getString("code"));
      a.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate", new JsonObject().put("candidate", 12)));
      assertEquals("invalid-field", a.await("error").getString("code"));
      a.send("send-message", new JsonObject().put("sessionId", 7).put("message", "x"));
      assertEquals("invalid-field", a.await("error").getString("code"));
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "   "));
      assertEquals("invalid-message", a.await("error").getString("code"));
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "x".repeat(1001)));
      assertEquals("invalid-message", a.await("error").getString("code"));
      a.send("join-queue", new JsonObject().put("interests", "music"));
      assertEquals("invalid-field", a.await("error").getString("code"));
      a.send("join-queue", new JsonObject());
      assertEquals("in-session", a.await("error").getString("code"));
      a.send("report", new JsonObject().put("sessionId", sid).put("reason", "boring"));
      assertEquals("invalid-field", a.await("error").getString("code"));
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "y".repeat(70 * 1024)));
      assertEquals("too-large", a.await("error").getString("code"));

      // a session that is not yours: refused, nothing forwarded
      a.send("send-offer", new JsonObject().put("sessionId", "s_notyours").put("offer", new JsonObject().put("type", "offer").put("sdp", "x")));
      assertEquals("not-in-session", a.await("error").getString("code"));
      a.send("end-call", new JsonObject().put("sessionId", "s_notyours"));
      assertEquals("not-in-session", a.await("error").getString("code"));

      // still usable, and b received nothing but the one good message
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "after all that"));
      assertEquals("after all that", b.await("message").getString("message"));
      a.send("report", new JsonObject().put("sessionId", sid).put("reason", "spam"));
      assertEquals(sid, a.await("reported").getString("sessionId"));
      assertEquals(0, b.all("offer").size() + b.all("candidate").size() + b.all("error").size());
      assertEquals(1, b.all("message").size());
    }
  }

  @Test
  void framesFarOverTheLimitCloseTheSocketOnly() throws Exception {
    Object[] p = pair();
    try (WsClient a = (WsClient) p[0]; WsClient b = (WsClient) p[1]) {
      a.sendRaw("{\"type\":\"send-message\",\"data\":{\"message\":\"" + "z".repeat(300 * 1024) + "\"}}");
      short code = a.awaitClose();
      assertTrue(code == 1009 || code == 1006, "closed as too big (Netty may drop the connection before the close frame): " + code);
      assertEquals("disconnected", b.await("peer-disconnected").getString("reason"));
      b.send("join-queue", new JsonObject());
      b.await("queued");
    }
  }

  @Test
  void forgedAndExpiredTokensAreRefusedAtTheHandshake() throws Exception {
    JsonObject claims = new JsonObject().put("sub", "u_forged").put("name", "Eve").put("dev", "d");
    String valid = keys.sign(client, claims, keys.kid, ISSUER, AUDIENCE, 60);
    WsClient.connect(client, port, valid).close(); // the control: the same key and claims work

    String[] parts = valid.split("\\.");
    String noneAlg = TestKeys.b64("{\"alg\":\"none\",\"kid\":\"" + keys.kid + "\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    String tampered = parts[0] + "." + TestKeys.b64(new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1])))
        .put("name", "Admin").encode()) + "." + parts[2];
    String hsHeader = TestKeys.b64("{\"alg\":\"HS256\",\"kid\":\"" + keys.kid + "\",\"typ\":\"JWT\"}");
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(java.nio.file.Files.readAllBytes(keys.publicPem), "HmacSHA256"));
    String hsConfused = hsHeader + "." + parts[1] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(mac.doFinal((hsHeader + "." + parts[1]).getBytes()));
    TestKeys other = new TestKeys(Path.of("target", "test-keys"), "stranger-key");
    String unknownKid = other.sign(client, claims, "stranger-key", ISSUER, AUDIENCE, 60);
    String otherKeySameKid = other.sign(client, claims, keys.kid, ISSUER, AUDIENCE, 60);
    String expired = keys.sign(client, claims.copy().put("exp", System.currentTimeMillis() / 1000 - 120), keys.kid, ISSUER, AUDIENCE, 0);
    String wrongIssuer = keys.sign(client, claims, keys.kid, "evil", AUDIENCE, 60);
    String wrongAudience = keys.sign(client, claims, keys.kid, ISSUER, "elsewhere", 60);

    for (String bad : new String[] {noneAlg, tampered, hsConfused, unknownKid, otherKeySameKid, expired, wrongIssuer, wrongAudience, "garbage", ""}) {
      UpgradeRejectedException e = assertThrows(UpgradeRejectedException.class, () -> WsClient.connect(client, port, bad));
      assertEquals(401, e.getStatus());
    }
    assertEquals(401, assertThrows(UpgradeRejectedException.class, () -> WsClient.connect(client,
        new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/signaling"))).getStatus());
  }

  @Test
  void browserTokenCarriers() throws Exception {
    String token = Http.token(port, "Browser").getString("accessToken");
    try (WsClient viaProtocol = WsClient.connect(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/signaling").addSubProtocol("tandem.v1").addSubProtocol("bearer." + token))) {
      viaProtocol.send("join-queue", new JsonObject());
      viaProtocol.await("queued");
    }
    try (WsClient viaQuery = WsClient.connect(client, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/signaling?access_token=" + token))) {
      viaQuery.send("leave-queue", new JsonObject());
      viaQuery.send("join-queue", new JsonObject());
      viaQuery.await("queued");
    }
  }

  @Test
  void aSecondSocketReplacesTheFirst() throws Exception {
    String token = Http.token(port, "Twice").getString("accessToken");
    WsClient first = WsClient.connect(client, port, token);
    first.send("join-queue", new JsonObject());
    first.await("queued");
    try (WsClient second = WsClient.connect(client, port, token)) {
      assertEquals(4000, first.awaitClose());
      second.send("join-queue", new JsonObject());
      second.await("queued");
    } finally {
      first.close();
    }
  }
}
