package io.tandem.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import org.junit.jupiter.api.Test;

class TokenRequestTest {
  static ErrorCode code(String body) {
    return assertThrows(TandemException.class, () -> TokenRequest.parse(body)).code();
  }

  @Test
  void validatesEveryField() {
    TokenRequest ok = TokenRequest.parse("{\"deviceId\":\"dev-123_ABC\",\"name\":\"  Ann \\u200B Lee \",\"age\":18}");
    assertEquals("dev-123_ABC", ok.deviceId());
    assertEquals("Ann Lee", ok.name(), "trimmed, invisible characters removed");
    assertEquals("Stranger", TokenRequest.parse("{\"deviceId\":\"dev-123_ABC\",\"age\":40}").name());
    assertEquals(ErrorCode.BAD_REQUEST, code("{}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"dev 123 ABC\",\"age\":40}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"" + "d".repeat(129) + "\",\"age\":40}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"dev-123_ABC\",\"name\":\"   \",\"age\":40}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"dev-123_ABC\",\"name\":5,\"age\":40}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"dev-123_ABC\",\"age\":18.5}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"dev-123_ABC\",\"age\":-1}"));
    assertEquals(ErrorCode.UNDERAGE, code("{\"deviceId\":\"dev-123_ABC\",\"age\":17}"));
    assertEquals(ErrorCode.BAD_REQUEST, code("not json"));
  }

  @Test
  void languagesAreKnownPrimaryTagsOrRefusedNamingTheField() {
    assertEquals(java.util.List.of("es", "en"),
        TokenRequest.parse("{\"deviceId\":\"dev-123_ABC\",\"age\":30,\"languages\":[\"ES\",\"en\"]}").languages());
    assertEquals(java.util.List.of(), TokenRequest.parse("{\"deviceId\":\"dev-123_ABC\",\"age\":30}").languages());
    for (String langs : new String[] {"\"es\"", "[\"es-MX\"]", "[\"zz\"]", "[1]", "[\"en\",\"es\",\"fr\",\"de\"]"}) {
      String body = "{\"deviceId\":\"dev-123_ABC\",\"age\":30,\"languages\":" + langs + "}";
      TandemException e = assertThrows(TandemException.class, () -> TokenRequest.parse(body), body);
      assertEquals(400, e.code().status, body);
      assertTrue(e.getMessage().startsWith("languages "), "the message names the field: " + e.getMessage());
    }
  }

  @Test
  void ageIsRequired() {
    for (String body : new String[] {"{\"deviceId\":\"dev-123_ABC\"}", "{\"deviceId\":\"dev-123_ABC\",\"age\":null}",
        "{\"deviceId\":\"dev-123_ABC\",\"name\":\"Ann\"}"}) {
      TandemException e = assertThrows(TandemException.class, () -> TokenRequest.parse(body), body);
      assertEquals(ErrorCode.BAD_REQUEST, e.code(), body);
      assertTrue(e.getMessage().startsWith("age is required"), "the message names the field: " + e.getMessage());
    }
    assertEquals(ErrorCode.BAD_REQUEST, code("{\"deviceId\":\"dev-123_ABC\",\"age\":\"30\"}"));
    assertEquals("dev-123_ABC", TokenRequest.parse("{\"deviceId\":\"dev-123_ABC\",\"age\":18}").deviceId());
  }

  @Test
  void generatedKeysHaveStableThumbprintIds() {
    SigningKey k = SigningKey.generate();
    assertEquals(16, k.kid().length());
    assertEquals("RS256", k.publicJwk().getString("alg"));
    assertTrue(!k.publicJwk().containsKey("d"), "the public JWK carries no private part");
    assertEquals(342, k.publicJwk().getString("n").length(), "a 2048-bit modulus, base64url without padding");
    // d is a Base64urlUInt (RFC 7518 6.3.2.1: no leading zero octets), so its length varies with the key
    java.math.BigInteger n = new java.math.BigInteger(1, java.util.Base64.getUrlDecoder().decode(k.publicJwk().getString("n")));
    java.math.BigInteger d = new java.math.BigInteger(1, java.util.Base64.getUrlDecoder().decode(k.privateJwk().getString("d")));
    assertEquals(2048, n.bitLength());
    assertTrue(d.signum() > 0 && d.compareTo(n) < 0, "the private exponent lies in (0, n)");
    assertTrue(!k.privateJwk().getString("d").contains("="), "base64url without padding");
    assertEquals("AQAB", k.publicJwk().getString("e"));
  }
}
