package io.tandem.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Env;
import io.tandem.common.Hashing;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration rules of the hash secret, and refresh tokens that cannot be in Redis at all. */
class SecretAndRefreshRulesTest {
  @Test
  void productionRequiresAHashSecret() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AuthConfig.from(Env.with(Map.of("TANDEM_ENV", "production"))));
    assertTrue(e.getMessage().contains("HASH_SECRET"), e.getMessage());
    assertEquals("0123456789abcdef-secret",
        AuthConfig.from(Env.with(Map.of("TANDEM_ENV", "production", "HASH_SECRET", "0123456789abcdef-secret"))).hashSecret());
    assertNull(AuthConfig.from(Env.with(Map.of("TANDEM_ENV", "development"))).hashSecret(), "local runs share one through Redis");
    assertThrows(IllegalArgumentException.class, () -> Hashing.configured("short", null),
        "a short secret is refused at start");
  }

  @Test
  void malformedRefreshTokensAreUnknownWithoutAskingRedis() {
    RefreshStore store = new RefreshStore(null, 60);
    for (String t : new String[] {"", "r_abc", "r_" + "a".repeat(43), "r_AAAAAAAAAAAAAAAA." + "b".repeat(42), "x_AAAAAAAAAAAAAAAA." + "b".repeat(43)}) {
      assertEquals(RefreshStore.Outcome.UNKNOWN, store.rotate(t).result().outcome(), t);
    }
  }
}
