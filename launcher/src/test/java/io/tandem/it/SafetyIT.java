package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.tandem.common.RedisConnector;
import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The security suite, against the real launcher and Redis: origins, blocks (issue, refresh,
 * handshake, open socket), HTTP and WebSocket rate limits, reports leading to an automatic block,
 * the admin API, chat moderation, TURN credentials, token expiry and rotation, idle sockets, and
 * privacy of logs and Redis. Client networks are simulated with X-Forwarded-For (one trusted proxy).
 */
class SafetyIT {
  static final String ADMIN = "admin-token-for-tests-0123456789";
  static final String TURN_SECRET = "turn-secret-for-tests";
  static final String ISSUER = "tandem-auth";
  static final String AUDIENCE = "tandem";
  static Launcher launcher;
  static int port;
  static int authPort;
  static Vertx client;
  static TestKeys keys;
  static Path keyDir = Path.of("target", "safety-keys");

  @BeforeAll
  static void start() throws Exception {
    port = LocalRedis.freePort();
    authPort = LocalRedis.freePort();
    keys = new TestKeys(keyDir, "rot-1");
    Map<String, String> s = new HashMap<>();
    s.put("GATEWAY_PORT", Integer.toString(port));
    s.put("AUTH_PORT", Integer.toString(authPort));
    s.put("ADMIN_TOKEN", ADMIN);
    s.put("TRUSTED_PROXY_HOPS", "1");
    s.put("HTTP_RATE_PER_MINUTE", "600");
    s.put("HTTP_RATE_BURST", "20");
    s.put("WS_HANDSHAKES_PER_MINUTE", "6000");
    s.put("REPORT_THRESHOLD", "2");
    s.put("TURN_SECRET", TURN_SECRET);
    s.put("TURN_URLS", "turn:turn.example.test:3478?transport=udp,turns:turn.example.test:5349");
    s.put("TURN_TTL_SECONDS", "3600");
    s.put("WS_PING_INTERVAL_MS", "500");
    s.put("WS_IDLE_TIMEOUT_SECONDS", "2");
    s.put("JWT_PRIVATE_KEY_PATH", keyDir.resolve("current-private.pem").toString());
    s.put("JWT_PUBLIC_KEY_PATH", keyDir.resolve("current-public.pem").toString());
    s.put("KEY_RELOAD_INTERVAL_MS", "200");
    s.put("JWT_KEY_ID", keys.kid);
    Files.copy(keys.privatePem, keyDir.resolve("current-private.pem"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(keys.publicPem, keyDir.resolve("current-public.pem"), StandardCopyOption.REPLACE_EXISTING);
    launcher = Launcher.start(s);
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().await();
    launcher.close();
  }

  static String ip() {
    return "10.9." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
  }

  static Http.Answer token(String deviceId, String fromIp) throws Exception {
    return Http.postToken(port, new JsonObject().put("deviceId", deviceId).put("name", "N").put("age", 30), "X-Forwarded-For", fromIp);
  }

  static WsClient connect(String token, String fromIp, String origin) throws Exception {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/signaling")
        .addHeader("Authorization", "Bearer " + token).addHeader("X-Forwarded-For", fromIp);
    if (origin != null) o.addHeader("Origin", origin);
    return WsClient.connect(client, o);
  }

  static Http.Answer admin(String method, String path, String body, String token) throws Exception {
    return token == null ? Http.send(authPort, path, method, body)
        : Http.send(authPort, path, method, body, "Authorization", "Bearer " + token);
  }

  @Test
  void originsAreChecked() throws Exception {
    String t = Http.token(port, "O").getString("accessToken");
    String ip = ip();
    UpgradeRejectedException e = assertThrows(UpgradeRejectedException.class, () -> connect(t, ip, "https://evil.example"));
    assertEquals(403, e.getStatus());
    connect(t, ip, "http://127.0.0.1:" + port).close(); // the served origin
    connect(t, ip, null).close(); // a non-browser client sends none
  }

  @Test
  void blockedDevicesAndNetworksAreRefusedEverywhereAndClosedAtOnce() throws Exception {
    String device = "dev-" + UUID.randomUUID();
    String ip = ip();
    JsonObject pair = token(device, ip).body();
    try (WsClient open = connect(pair.getString("accessToken"), ip, null)) {
      Http.Answer added = admin("POST", "/admin/blocks", new JsonObject().put("kind", "device").put("deviceId", device)
          .put("reason", "test").put("ttlSeconds", 600).encode(), ADMIN);
      assertEquals(201, added.status());
      long t0 = System.nanoTime();
      assertEquals(1008, open.awaitClose(), "the open socket is closed");
      assertTrue((System.nanoTime() - t0) / 1_000_000 < 1000, "within a second");
      assertEquals(403, token(device, ip).status());
      assertEquals("blocked", token(device, ip).body().getJsonObject("error").getString("code"));
      Http.Answer refresh = Http.send(port, "/auth/refresh", "POST", new JsonObject().put("refreshToken", pair.getString("refreshToken")).encode(),
          "X-Forwarded-For", ip);
      assertEquals(403, refresh.status());
      assertEquals(403, assertThrows(UpgradeRejectedException.class, () -> connect(pair.getString("accessToken"), ip, null)).getStatus());
      String hash = added.body().getString("hash");
      assertTrue(admin("GET", "/admin/blocks", null, ADMIN).body().getJsonArray("blocks").stream()
          .anyMatch(b -> hash.equals(((JsonObject) b).getString("hash"))));
      assertEquals(200, admin("DELETE", "/admin/blocks/device/" + hash, null, ADMIN).status());
      assertEquals(200, token(device, ip).status(), "unblocked again");
    }

    String badIp = ip();
    JsonObject other = token("dev-" + UUID.randomUUID(), badIp).body();
    try (WsClient open = connect(other.getString("accessToken"), badIp, null)) {
      Http.Answer added = admin("POST", "/admin/blocks", new JsonObject().put("kind", "ip").put("ip", badIp)
          .put("reason", "abuse").encode(), ADMIN);
      assertEquals(201, added.status());
      assertFalse(added.body().encode().contains(badIp), "the IP is never stored or echoed in the clear");
      assertEquals(1008, open.awaitClose());
      assertEquals(403, token("dev-" + UUID.randomUUID(), badIp).status());
      assertEquals(403, assertThrows(UpgradeRejectedException.class, () -> connect(other.getString("accessToken"), badIp, null)).getStatus());
      assertEquals(200, token("dev-" + UUID.randomUUID(), ip()).status(), "other networks are fine");
      assertEquals(200, admin("DELETE", "/admin/blocks/ip/" + added.body().getString("hash"), null, ADMIN).status());
    }
  }

  @Test
  void adminApiNeedsTheToken() throws Exception {
    assertEquals(401, admin("GET", "/admin/blocks", null, null).status());
    assertEquals(401, admin("GET", "/admin/blocks", null, "wrong-token-wrong-token-wrong").status());
    assertEquals(401, admin("POST", "/admin/blocks", "{\"kind\":\"ip\",\"ip\":\"1.2.3.4\",\"reason\":\"x\"}", ADMIN.substring(1)).status());
    assertEquals(200, admin("GET", "/admin/blocks", null, ADMIN).status());
    assertEquals(200, admin("GET", "/admin/reports", null, ADMIN).status());
    assertEquals(400, admin("POST", "/admin/blocks", "{\"kind\":\"planet\"}", ADMIN).status());
    assertEquals(404, Http.get(port, "/admin/blocks").status(), "never on the public origin");
  }

  @Test
  void httpRateLimitAnswers429ThenRecovers() throws Exception {
    String ip = ip();
    Http.Answer last = null;
    int ok = 0;
    for (int i = 0; i < 40; i++) {
      last = Http.send(port, "/auth/jwks", "GET", null, "X-Forwarded-For", ip);
      if (last.status() != 200) break;
      ok++;
    }
    assertTrue(ok >= 20 && ok < 40, "the burst passes, then the limit: " + ok);
    assertEquals(429, last.status());
    assertEquals("rate-limited", last.body().getJsonObject("error").getString("code"));
    int retry = Integer.parseInt(last.raw().headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
    assertEquals(200, Http.send(port, "/auth/jwks", "GET", null, "X-Forwarded-For", ip()).status(), "other clients are unaffected");
    Thread.sleep(retry * 1000L + 100);
    assertEquals(200, Http.send(port, "/auth/jwks", "GET", null, "X-Forwarded-For", ip).status(), "back to 200 after the wait");
  }

  Object[] pair(String ipA, String ipB) throws Exception {
    WsClient a = connect(token("dev-" + UUID.randomUUID(), ipA).body().getString("accessToken"), ipA, null);
    WsClient b = connect(token("dev-" + UUID.randomUUID(), ipB).body().getString("accessToken"), ipB, null);
    a.send("join-queue", new JsonObject());
    a.await("queued");
    b.send("join-queue", new JsonObject());
    JsonObject ma = a.await("matched");
    JsonObject mb = b.await("matched");
    return new Object[] {a, b, ma, mb};
  }

  @Test
  void aWebSocketFloodIsRefusedThenClosed() throws Exception {
    Object[] p = pair(ip(), ip());
    try (WsClient a = (WsClient) p[0]; WsClient b = (WsClient) p[1]) {
      String sid = ((JsonObject) p[2]).getString("sessionId");
      for (int i = 0; i < 20; i++) a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "spam " + i));
      JsonObject err = a.await("error");
      assertEquals("rate-limited", err.getString("code"));
      assertEquals("send-message", err.getString("ref"));
      assertTrue(b.all("message").size() < 20, "excess chat was not forwarded");
      try {
        for (int i = 0; i < 200 && !a.isClosed(); i++) a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "flood"));
      } catch (RuntimeException closedWhileSending) {
        // the server closed the socket mid-flood: expected
      }
      assertEquals(1008, a.awaitClose(), "sustained abuse closes the socket");
      assertEquals("disconnected", b.await("peer-disconnected").getString("reason"));
    }
  }

  @Test
  void reportsFromDistinctDevicesBlockAutomatically() throws Exception {
    String targetDevice = "dev-" + UUID.randomUUID();
    String targetIp = ip();
    WsClient target = connect(token(targetDevice, targetIp).body().getString("accessToken"), targetIp, null);
    try (WsClient r1 = connect(token("dev-" + UUID.randomUUID(), ip()).body().getString("accessToken"), ip(), null);
         WsClient r2 = connect(token("dev-" + UUID.randomUUID(), ip()).body().getString("accessToken"), ip(), null)) {
      target.send("join-queue", new JsonObject());
      target.await("queued");
      r1.send("join-queue", new JsonObject());
      String s1 = r1.await("matched").getString("sessionId");
      target.await("matched");
      r1.send("end-call", new JsonObject().put("sessionId", s1));
      r1.await("call-ended");
      r1.send("report", new JsonObject().put("sessionId", s1).put("reason", "harassment"));
      assertEquals(s1, r1.await("reported").getString("sessionId"), "a just-ended stranger can be reported");
      r1.send("report", new JsonObject().put("sessionId", s1).put("reason", "harassment")); // same reporter twice counts once
      r1.await("reported");
      target.await("peer-disconnected");
      assertFalse(target.isClosed());
      target.send("join-queue", new JsonObject());
      target.await("queued");
      r2.send("join-queue", new JsonObject());
      String s2 = r2.await("matched").getString("sessionId");
      r2.send("report", new JsonObject().put("sessionId", s2).put("reason", "nudity"));
      r2.await("reported");
      assertEquals(1008, target.awaitClose(), "two distinct reporters: blocked and disconnected");
      assertEquals(403, token(targetDevice, ip()).status(), "the device cannot come back");
      assertEquals(0, target.all("reported").size() + target.all("error").size(), "the reported learns nothing of reports");
      JsonArray reports = admin("GET", "/admin/reports", null, ADMIN).body().getJsonArray("reports");
      assertTrue(reports.size() >= 2);
      assertFalse(reports.encode().contains(targetIp), "no IPs in reports");
    } finally {
      target.close();
    }
  }

  @Test
  void screenedChatIsRefusedAndNotForwarded() throws Exception {
    Object[] p = pair(ip(), ip());
    try (WsClient a = (WsClient) p[0]; WsClient b = (WsClient) p[1]) {
      String sid = ((JsonObject) p[2]).getString("sessionId");
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "pls SEND NUDES"));
      assertEquals("moderated", a.await("error").getString("code"));
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "go to https://spam.example/now"));
      assertEquals("moderated", a.await("error").getString("code"));
      a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hello"));
      assertEquals("hello", b.await("message").getString("message"));
      assertEquals(1, b.all("message").size());
    }
  }

  @Test
  void turnCredentialsVerifyWithTheSharedSecret() throws Exception {
    Object[] p = pair(ip(), ip());
    try (WsClient a = (WsClient) p[0]; WsClient b = (WsClient) p[1]) {
      JsonObject ma = (JsonObject) p[2];
      String aliceId = ((JsonObject) p[3]).getString("peerId");
      JsonObject turn = ma.getJsonArray("iceServers").stream().map(o -> (JsonObject) o)
          .filter(o -> o.containsKey("username")).findFirst().orElseThrow();
      assertEquals(new JsonArray().add("turn:turn.example.test:3478?transport=udp").add("turns:turn.example.test:5349"), turn.getJsonArray("urls"));
      String[] user = turn.getString("username").split(":", 2);
      assertEquals(aliceId, user[1], "username is expiry:userId");
      long expiry = Long.parseLong(user[0]);
      long now = System.currentTimeMillis() / 1000;
      assertTrue(expiry > now + 3500 && expiry <= now + 3601, "TTL 1 h");
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(turn.getString("username").getBytes(StandardCharsets.UTF_8))),
          turn.getString("credential"));
    }
  }

  @Test
  void expiringTokensCloseTheSocketUnlessRefreshed() throws Exception {
    JsonObject claims = new JsonObject().put("name", "Short").put("dev", "d-short");
    String shortLived = keys.sign(client, claims.copy().put("sub", "u_short1"), keys.kid, ISSUER, AUDIENCE, 2);
    String shortLived2 = keys.sign(client, claims.copy().put("sub", "u_short2"), keys.kid, ISSUER, AUDIENCE, 2);
    String renewal = keys.sign(client, claims.copy().put("sub", "u_short2"), keys.kid, ISSUER, AUDIENCE, 300);
    try (WsClient lapses = connect(shortLived, ip(), null); WsClient renews = connect(shortLived2, ip(), null)) {
      renews.send("refresh-token", new JsonObject().put("accessToken", renewal));
      renews.await("token-refreshed");
      assertEquals(4001, lapses.awaitClose(), "closed with 4001 once expired (plus leeway)");
      assertFalse(renews.isClosed(), "the refreshed socket stays open");
      renews.send("join-queue", new JsonObject());
      renews.await("queued");
    }
  }

  @Test
  void signingKeysRotateWithoutARestart() throws Exception {
    String before = Http.token(port, "K1").getString("accessToken");
    TestKeys next = new TestKeys(keyDir, "rot-2");
    Files.copy(next.publicPem, keyDir.resolve("current-public.pem"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(next.privatePem, keyDir.resolve("current-private.pem"), StandardCopyOption.REPLACE_EXISTING);
    String oldKid = new JsonObject(new String(Base64.getUrlDecoder().decode(before.split("\\.")[0]))).getString("kid");
    String after = null;
    for (int i = 0; i < 50; i++) {
      Thread.sleep(100);
      String t = Http.token(port, "K2").getString("accessToken");
      String kid = new JsonObject(new String(Base64.getUrlDecoder().decode(t.split("\\.")[0]))).getString("kid");
      if (!kid.equals(oldKid)) {
        after = t;
        break;
      }
    }
    assertTrue(after != null, "a new kid within 5 s");
    JsonArray jwks = Http.get(port, "/auth/jwks").body().getJsonArray("keys");
    assertTrue(jwks.size() >= 2, "old and new public keys are both published: " + jwks.size());
    connect(after, ip(), null).close();
    connect(before, ip(), null).close();
  }

  @Test
  void silentSocketsAreClosedByTheIdleTimeout() throws Exception {
    String token = Http.token(port, "Idle").getString("accessToken");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      String key = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 16).getBytes(StandardCharsets.US_ASCII));
      out.write(("GET /signaling HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer " + token + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      byte[] buf = new byte[4096];
      StringBuilder head = new StringBuilder();
      int n;
      while ((n = in.read(buf)) > 0) {
        if (head.length() < 200) head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
      assertTrue(ms >= 1500 && ms < 9000, "a client that never answers pings is closed after the idle timeout: " + ms + " ms");
    }
  }

  @Test
  void logsAndRedisNeverHoldSecretsOrAddresses() throws Exception {
    List<String> lines = new ArrayList<>();
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level was = root.getLevel();
    AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent e) {
        synchronized (lines) {
          lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()));
        }
      }
    };
    capture.setContext(ctx);
    capture.start();
    root.addAppender(capture);
    root.setLevel(Level.INFO);
    // Tandem's own per-socket, per-match and per-call lines are DEBUG (QuietLogsIT): they are checked too
    Logger tandem = ctx.getLogger("io.tandem");
    Level tandemWas = tandem.getLevel();
    tandem.setLevel(Level.DEBUG);
    String ipA = "10.77.1.23";
    String ipB = "10.77.4.56";
    String sdp = "v=0 o=- 4611731400430051336 2 IN IP4 127.0.0.1 s=SECRET-SDP-MARKER";
    String chat = "my secret chat text 7f3a";
    JsonObject ta;
    JsonObject tb;
    try {
      ta = token("dev-" + UUID.randomUUID(), ipA).body();
      tb = token("dev-" + UUID.randomUUID(), ipB).body();
      try (WsClient a = connect(ta.getString("accessToken"), ipA, null); WsClient b = connect(tb.getString("accessToken"), ipB, null)) {
        a.send("join-queue", new JsonObject());
        a.await("queued");
        b.send("join-queue", new JsonObject());
        String sid = a.await("matched").getString("sessionId");
        b.await("matched");
        a.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", new JsonObject().put("type", "offer").put("sdp", sdp)));
        b.await("offer");
        b.send("send-message", new JsonObject().put("sessionId", sid).put("message", chat));
        a.await("message");
        a.send("send-message", new JsonObject().put("sessionId", sid).put("message", "x".repeat(2000)));
        a.await("error");
        a.send("report", new JsonObject().put("sessionId", sid).put("reason", "spam"));
        a.await("reported");
        a.send("end-call", new JsonObject().put("sessionId", sid));
        b.await("peer-disconnected");
      }
      Thread.sleep(300);
    } finally {
      root.detachAppender(capture);
      root.setLevel(was);
      tandem.setLevel(tandemWas);
    }
    List<String> secrets = List.of(ta.getString("accessToken"), ta.getString("refreshToken"), tb.getString("accessToken"),
        "SECRET-SDP-MARKER", chat, ipA, ipB, "127.0.0.1");
    synchronized (lines) {
      assertTrue(lines.size() >= 5, "the call was logged: " + lines);
      for (String line : lines) {
        for (String s : secrets) assertFalse(line.contains(s), "a log line leaks '" + s + "': " + line);
      }
    }
    Redis redis = RedisConnector.create(client, launcher.env());
    for (Response key : redis.send(Request.cmd(Command.KEYS).arg("*")).await()) {
      String k = key.toString();
      String type = redis.send(Request.cmd(Command.TYPE).arg(k)).await().toString();
      String dump = switch (type) {
        case "string" -> String.valueOf(redis.send(Request.cmd(Command.GET).arg(k)).await());
        case "hash" -> String.valueOf(redis.send(Request.cmd(Command.HGETALL).arg(k)).await());
        case "list" -> String.valueOf(redis.send(Request.cmd(Command.LRANGE).arg(k).arg(0).arg(-1)).await());
        case "set" -> String.valueOf(redis.send(Request.cmd(Command.SMEMBERS).arg(k)).await());
        case "zset" -> String.valueOf(redis.send(Request.cmd(Command.ZRANGE).arg(k).arg(0).arg(-1)).await());
        default -> "";
      };
      for (String s : List.of(ipA, ipB, chat, "SECRET-SDP-MARKER", ta.getString("accessToken"))) {
        assertFalse(k.contains(s) || dump.contains(s), "Redis key " + k + " holds '" + s + "'");
      }
    }
    redis.close();
  }
}
