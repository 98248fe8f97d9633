package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The production layout of the redis-sentinel component: REDIS_URL lists the Sentinels without a
 * password (it sits in a ConfigMap) and REDIS_PASSWORD, from the same Secret key Redis and the
 * Sentinels read, is used for the Sentinels and for the master they name. A whole call works; a wrong
 * REDIS_PASSWORD fails the start with a message that names the settings and holds no password.
 */
class SentinelPasswordIT {
  static final String MASTER_NAME = "tandem";
  static final String PASSWORD = "pw-" + UUID.randomUUID();
  static RedisServers servers;
  static int sentinel;

  @BeforeAll
  static void start() throws Exception {
    RedisServers.require(RedisServers.SERVER, RedisServers.SENTINEL, RedisServers.CLI);
    servers = new RedisServers("redis-sentinel-password");
    int master = servers.server(PASSWORD, "requirepass " + PASSWORD, "masterauth " + PASSWORD);
    sentinel = servers.sentinel(MASTER_NAME, master, PASSWORD, 5000);
  }

  @AfterAll
  static void stop() throws Exception {
    if (servers != null) servers.close();
  }

  static Map<String, String> settings(String password) throws Exception {
    return Map.of("GATEWAY_PORT", Integer.toString(LocalRedis.freePort()), "REDIS_MODE", "sentinel", "REDIS_MASTER_NAME", MASTER_NAME,
        "REDIS_URL", "redis://127.0.0.1:" + sentinel, "REDIS_PASSWORD", password);
  }

  @Test
  void thePasswordSettingReachesTheSentinelsAndTheMaster() throws Exception {
    Map<String, String> s = settings(PASSWORD);
    Vertx client = Vertx.vertx();
    try (Launcher launcher = Launcher.start(s)) {
      RedisAuthIT.aCallWorks(client, Integer.parseInt(s.get("GATEWAY_PORT")));
    } finally {
      client.close().await();
    }
  }

  @Test
  void aWrongPasswordFailsTheStart() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    Exception e = assertThrows(Exception.class, () -> Launcher.start(settings(wrong)).close());
    String message = String.valueOf(RedisAuthIT.rootMessage(e));
    assertTrue(message.contains("REDIS_URL") && message.contains("REDIS_PASSWORD"), "the message names the settings: " + message);
    assertFalse(message.contains(wrong) || message.contains(PASSWORD), "no password in the message: " + message);
  }
}
