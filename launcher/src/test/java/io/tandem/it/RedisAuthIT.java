package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Authenticated Redis for real: a redis-server with {@code requirepass} and an ACL user, and one
 * serving TLS only. The services work with the right credentials; wrong ones fail the start with a
 * message naming REDIS_URL, and neither the message nor any log line holds the password.
 */
class RedisAuthIT {
  static final String PASSWORD = "pw-" + UUID.randomUUID();
  static final String USER = "tandem";
  static final String USER_PASSWORD = "acl-" + UUID.randomUUID();
  static RedisServers servers;
  static int redisPort;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    RedisServers.require(RedisServers.SERVER, RedisServers.CLI);
    servers = new RedisServers("redis-auth");
    redisPort = servers.server(PASSWORD, "requirepass " + PASSWORD,
        "user " + USER + " on >" + USER_PASSWORD + " ~* &* +@all");
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await();
    if (servers != null) servers.close();
  }

  static Map<String, String> settings(String... kv) throws Exception {
    Map<String, String> m = new HashMap<>();
    m.put("GATEWAY_PORT", Integer.toString(LocalRedis.freePort()));
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return m;
  }

  /** Two users meet and exchange a chat line through the launcher on {@code port}. */
  static void aCallWorks(int port) throws Exception {
    aCallWorks(client, port);
  }

  static void aCallWorks(Vertx client, int port) throws Exception {
    try (WsClient a = WsClient.connect(client, port, Http.token(port, "Ann").getString("accessToken"));
         WsClient b = WsClient.connect(client, port, Http.token(port, "Ben").getString("accessToken"))) {
      a.send("join-queue", new JsonObject());
      a.await("queued");
      b.send("join-queue", new JsonObject());
      String sid = a.await("matched").getString("sessionId");
      assertEquals(sid, b.await("matched").getString("sessionId"));
      b.send("send-message", new JsonObject().put("sessionId", sid).put("message", "hi"));
      assertEquals("Ben", a.await("message").getString("sender"));
    }
  }

  @Test
  void passwordInTheUrl() throws Exception {
    Map<String, String> s = settings("REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + redisPort);
    try (Launcher launcher = Launcher.start(s)) {
      aCallWorks(Integer.parseInt(s.get("GATEWAY_PORT")));
    }
  }

  @Test
  void aclUserWithThePasswordFromAFileAndADatabaseNumber() throws Exception {
    Path file = servers.dir.resolve("redis-password");
    Files.writeString(file, USER_PASSWORD + "\n");
    Map<String, String> s = settings("REDIS_URL", "redis://127.0.0.1:" + redisPort + "/3",
        "REDIS_USER", USER, "REDIS_PASSWORD_FILE", file.toString());
    try (Launcher launcher = Launcher.start(s)) {
      aCallWorks(Integer.parseInt(s.get("GATEWAY_PORT")));
      String clients = RedisServers.cli(redisPort, PASSWORD, "client", "list");
      assertTrue(clients.contains("user=" + USER), "the services are connected as the ACL user: " + clients);
      assertTrue(Integer.parseInt(RedisServers.cli(redisPort, PASSWORD, "-n", "3", "dbsize")) > 0, "keys are in database 3");
    }
    String userInUrl = "redis://" + USER + ":" + USER_PASSWORD + "@127.0.0.1:" + redisPort + "/4";
    Map<String, String> s2 = settings("REDIS_URL", userInUrl);
    try (Launcher launcher = Launcher.start(s2)) {
      aCallWorks(Integer.parseInt(s2.get("GATEWAY_PORT")));
    }
  }

  @Test
  void wrongCredentialsFailTheStartWithAClearErrorAndNoPassword() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    for (String url : List.of("redis://:" + wrong + "@127.0.0.1:" + redisPort,
        "redis://" + USER + ":" + wrong + "@127.0.0.1:" + redisPort, "redis://127.0.0.1:" + redisPort)) {
      try (LogCapture logs = new LogCapture()) {
        Exception e = assertThrows(Exception.class, () -> Launcher.start(settings("REDIS_URL", url)).close());
        String message = String.valueOf(rootMessage(e));
        assertTrue(message.contains("REDIS_URL") && message.contains("refused the credentials"), "clear error: " + message);
        assertFalse(message.contains(wrong), "the message holds no password: " + message);
        for (String line : logs.lines()) assertFalse(line.contains(wrong) || line.contains(PASSWORD), "a log line leaks the password: " + line);
      }
    }
  }

  @Test
  void tlsWithTheCaFile() throws Exception {
    RedisServers.require(Path.of("/usr/bin/openssl"));
    Path dir = servers.dir.resolve("tls");
    Files.createDirectories(dir);
    Process gen = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
        .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
    assertTrue(gen.waitFor(30, TimeUnit.SECONDS) && gen.exitValue() == 0, "openssl made a certificate");
    int tlsPort = LocalRedis.freePort();
    servers.server(PASSWORD, "requirepass " + PASSWORD, "tls-port " + tlsPort,
        "tls-cert-file " + dir.resolve("cert.pem"), "tls-key-file " + dir.resolve("key.pem"),
        "tls-ca-cert-file " + dir.resolve("cert.pem"), "tls-auth-clients no");
    String url = "rediss://:" + PASSWORD + "@localhost:" + tlsPort;
    Map<String, String> s = settings("REDIS_URL", url, "REDIS_TLS_CA_FILE", dir.resolve("cert.pem").toString());
    try (Launcher launcher = Launcher.start(s)) {
      aCallWorks(Integer.parseInt(s.get("GATEWAY_PORT")));
    }
    Exception untrusted = assertThrows(Exception.class, () -> Launcher.start(settings("REDIS_URL", url)).close());
    String message = String.valueOf(rootMessage(untrusted));
    assertTrue(message.contains("REDIS_URL") && message.contains("TLS"), "an untrusted certificate is a clear error: " + message);
    assertFalse(message.contains(PASSWORD), message);
  }

  /** The IllegalArgumentException the launcher's start chain failed with. */
  static String rootMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof IllegalArgumentException) return t.getMessage();
    return e.toString();
  }
}
