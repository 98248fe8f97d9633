package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContractTest {
  @Test
  void everyScriptLoadsWithThePrelude() {
    for (RedisScript s : RedisScript.values()) {
      assertTrue(s.source.contains("local function end_session"), s.name());
      assertTrue(s.source.contains("'" + RedisKeys.TAG + "'"), "prelude keys share the hash tag");
      assertEquals(40, s.sha.length());
    }
  }

  @Test
  void failuresKeepTheirCodeAcrossTheBus() {
    TandemException sent = new TandemException(ErrorCode.NOT_IN_SESSION, "nope");
    ReplyException onWire = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, sent.code().status, "not-in-session:" + sent.getMessage());
    TandemException back = Failures.map(onWire);
    assertEquals(ErrorCode.NOT_IN_SESSION, back.code());
    assertEquals("nope", back.getMessage());
    assertEquals(ErrorCode.UNAVAILABLE, Failures.map(new ReplyException(ReplyFailure.TIMEOUT, "t")).code());
    assertEquals(ErrorCode.UNAVAILABLE, Failures.map(new ReplyException(ReplyFailure.NO_HANDLERS, "n")).code());
    assertEquals(ErrorCode.INTERNAL, Failures.map(new IllegalStateException("boom")).code());
  }

  @Test
  void configurationErrorsNameTheVariable() {
    Env env = Env.with(Map.of("X_PORT", "eighty", "X_BIG", "99999", "X_BOOL", "maybe"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> env.integer("X_PORT", 1, 0, 65535)).getMessage().contains("X_PORT"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> env.integer("X_BIG", 1, 0, 65535)).getMessage().contains("X_BIG"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> env.bool("X_BOOL", true)).getMessage().contains("X_BOOL"));
    assertEquals(7, env.integer("UNSET_VAR_FOR_TEST", 7, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> RedisConnector.options(Env.with(Map.of("REDIS_MODE", "weird"))));
  }

  @Test
  void hashesAreKeyedAndStable() {
    Hashing a = new Hashing("0123456789abcdef0123".getBytes());
    Hashing b = new Hashing("another-secret-0123456".getBytes());
    assertEquals(a.hash("device-1"), a.hash("device-1"));
    assertNotEquals(a.hash("device-1"), b.hash("device-1"));
    assertNotEquals("device-1", a.hash("device-1"));
  }
}
