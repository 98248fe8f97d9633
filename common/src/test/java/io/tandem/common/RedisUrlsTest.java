package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisUrlsTest {
  @Test
  void parsesTheSupportedForms() {
    List<RedisUrls.Entry> one = RedisUrls.parse("redis://user:p%40ss@redis.example:6380/2");
    assertEquals("redis.example", one.get(0).host());
    assertEquals(6380, one.get(0).port());
    assertTrue(one.get(0).hasPassword());
    assertFalse(one.get(0).tls());
    assertEquals(RedisUrls.DEFAULT_PORT, RedisUrls.parse("redis://:secret@host").get(0).port());
    assertTrue(RedisUrls.parse("rediss://host:6379").get(0).tls());
    assertEquals(3, RedisUrls.parse("redis://a:26379, redis://b:26379 ,redis://c:26379").size());
  }

  @Test
  void badUrlsNameTheVariableAndHideThePassword() {
    for (String bad : List.of("http://:topsecret@h:1", "redis://:topsecret@:6379", "redis://:topsecret@h:1/x",
        "redis://:topsecret@h:1/99", "redis://:top secret@h:1", "redis://a:1,rediss://:topsecret@b:2", "")) {
      String m = assertThrows(IllegalArgumentException.class, () -> RedisUrls.parse(bad)).getMessage();
      assertTrue(m.contains("REDIS_URL"), m);
      assertFalse(m.contains("topsecret") || m.contains("top secret"), m);
    }
  }

  @Test
  void redactionHidesEveryPassword() {
    assertEquals("redis://user:***@h:1/0,redis://:***@g", RedisUrls.redacted("redis://user:pw1@h:1/0,redis://:pw2@g"));
    assertEquals("redis://***@h", RedisUrls.redacted("redis://onlysecret@h"));
    assertEquals("redis://h:1", RedisUrls.redacted("redis://h:1"));
    assertTrue(RedisUrls.secrets("redis://u:p%40ss@h").containsAll(List.of("p%40ss", "p@ss")));
  }

  @Test
  void optionsCarryCredentialsTlsAndMode() {
    RedisOptions o = RedisConnector.options(Env.with(Map.of("REDIS_URL", "rediss://r1:26379,rediss://r2:26379",
        "REDIS_MODE", "sentinel", "REDIS_MASTER_NAME", "tandem", "REDIS_USER", "svc", "REDIS_PASSWORD", "pw")));
    assertEquals(RedisClientType.SENTINEL, o.getType());
    assertEquals("tandem", o.getMasterName());
    assertEquals(2, o.getEndpoints().size());
    assertEquals("svc", o.getUser());
    assertEquals("pw", o.getPassword());
    assertTrue(o.getNetClientOptions().isSsl());
    assertEquals("HTTPS", o.getNetClientOptions().getHostnameVerificationAlgorithm());
    assertThrows(IllegalArgumentException.class, () -> RedisConnector.options(Env.with(Map.of(
        "REDIS_URL", "redis://a:1,redis://b:2"))), "a seed list needs sentinel or cluster mode");
    assertThrows(IllegalArgumentException.class, () -> RedisConnector.options(Env.with(Map.of(
        "REDIS_PASSWORD", "a", "REDIS_PASSWORD_FILE", "/nonexistent"))));
    String m = assertThrows(IllegalArgumentException.class, () -> RedisConnector.options(Env.with(Map.of(
        "REDIS_PASSWORD_FILE", "/nonexistent/pw")))).getMessage();
    assertTrue(m.contains("REDIS_PASSWORD_FILE"), m);
  }
}
