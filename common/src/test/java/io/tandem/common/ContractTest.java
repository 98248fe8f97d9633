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
      assertTrue(s.source.contains("'" + RedisKeys.QUEUE.substring(RedisKeys.TAG.length()) + "'"), "keys come from RedisKeys");
      assertTrue(!RedisScript.PLACEHOLDER.matcher(s.source).find(), s.name() + ": every placeholder is filled");
      assertEquals(40, s.sha.length());
    }
  }

  /** The key schema is spelled once: a script file names no key itself, only placeholders from RedisKeys. */
  @Test
  void scriptsNameNoKeysOfTheirOwn() {
    java.util.regex.Pattern literalKey = java.util.regex.Pattern.compile("'[a-z{}-]+:");
    for (String file : new String[] {"_prelude", "connect", "disconnect", "end_call", "join", "leave", "sweep_pairs",
        "reap_node", "heartbeat", "stats", "ratelimit", "report", "report_log", "confirm", "abort", "expire_pending", "abandon",
        "refresh_issue", "refresh_rotate", "hash_secret", "pow_level", "suspend", "resume", "expire_grace"}) {
      String raw = RedisScript.raw(file);
      assertTrue(!raw.contains(RedisKeys.TAG.substring(0, RedisKeys.TAG.length() - 1)), file + " spells the hash tag itself");
      assertTrue(!literalKey.matcher(raw).find(), file + " spells a key name itself");
      java.util.regex.Matcher m = RedisScript.PLACEHOLDER.matcher(raw);
      while (m.find()) {
        String name = m.group(1);
        assertTrue(RedisKeys.SCRIPT_NAMES.containsKey(name) || name.equals("SESSION_TTL") || name.equals("PAIR_MEMORY_MS"),
            file + ": %" + name + "% is not declared in RedisKeys");
      }
    }
    assertEquals(23, RedisScript.values().length, "a new script must be added to the list above");
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
