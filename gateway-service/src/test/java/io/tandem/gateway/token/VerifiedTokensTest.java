package io.tandem.gateway.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tandem.common.Limits;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {
  private static VerifiedTokens.Entry entry(String user, long exp) {
    return new VerifiedTokens.Entry(new Identity(user, "n", "dev", exp), "kid", "fam", exp);
  }

  @Test
  void aTokenIsRememberedUntilItExpiresWithTheLeeway() {
    VerifiedTokens v = new VerifiedTokens();
    v.put("a.b.c", entry("u1", 1_000), 900);
    assertEquals("u1", v.get("a.b.c", 999).identity().userId());
    assertNotNull(v.get("a.b.c", 1_000 + Limits.TOKEN_LEEWAY_SECONDS - 1));
    assertNull(v.get("a.b.c", 1_000 + Limits.TOKEN_LEEWAY_SECONDS));
  }

  @Test
  void anyOtherTokenIsAnotherEntryEvenWithTheSameSignature() {
    VerifiedTokens v = new VerifiedTokens();
    v.put("header.claims.signature", entry("u1", 1_000), 900);
    assertNull(v.get("header.otherclaims.signature", 900), "other claims, same signature");
    assertNull(v.get("header.claims.signaturf", 900), "other signature");
    assertNull(v.get("header.claims.signature ", 900));
  }

  @Test
  void theCacheIsBoundedAndMakesRoomFromExpiredEntriesOnly() {
    VerifiedTokens v = new VerifiedTokens();
    for (int i = 0; i < VerifiedTokens.MAX_ENTRIES; i++) v.put("t" + i, entry("u" + i, i < 10 ? 100 : 10_000), 50);
    assertEquals(VerifiedTokens.MAX_ENTRIES, v.size());
    // full of unexpired tokens: a new one is simply not remembered
    v.put("new", entry("n", 10_000), 50);
    assertNull(v.get("new", 50));
    assertEquals(VerifiedTokens.MAX_ENTRIES, v.size());
    // once ten have expired, they make room
    v.put("later", entry("l", 10_000), 100 + Limits.TOKEN_LEEWAY_SECONDS);
    assertNotNull(v.get("later", 200));
    assertEquals(VerifiedTokens.MAX_ENTRIES - 10 + 1, v.size());
  }
}
