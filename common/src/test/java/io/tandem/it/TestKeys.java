package io.tandem.it;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

/** An RSA key pair (RS256, as auth-service's) written as PEM files (for JWT_*_KEY_PATH), and a signer for forged tokens. */
public final class TestKeys {
  public final Path privatePem;
  public final Path publicPem;
  public final String privatePemText;
  public final String kid;

  public TestKeys(Path dir, String kid) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair pair = gen.generateKeyPair();
    Files.createDirectories(dir);
    this.kid = kid;
    this.privatePemText = pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    this.privatePem = Files.writeString(dir.resolve(kid + "-private.pem"), privatePemText);
    this.publicPem = Files.writeString(dir.resolve(kid + "-public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  /** Signs claims with this key (RS256, header kid = headerKid). */
  public String sign(Vertx vertx, JsonObject claims, String headerKid, String issuer, String audience, int expiresInSeconds) {
    JWTAuth auth = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePemText)));
    JWTOptions options = new JWTOptions().setAlgorithm("RS256").setHeader(new JsonObject().put("kid", headerKid))
        .setIssuer(issuer).setAudience(List.of(audience)).setExpiresInSeconds(expiresInSeconds);
    return auth.generateToken(claims, options);
  }

  public static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
