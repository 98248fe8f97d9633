package io.tandem.auth;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The EC P-256 key that signs access tokens (ES256), as JWKs. The private half never leaves
 * auth-service; {@link #publicJwk()} is what verifiers get.
 */
public final class SigningKey {
  /** The only signing algorithm. */
  public static final String ALGORITHM = "ES256";
  private static final int COORDINATE_BYTES = 32;

  private final String kid;
  private final ECPublicKey publicKey;
  private final ECPrivateKey privateKey;

  private SigningKey(String kid, ECPublicKey publicKey, ECPrivateKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.kid = kid != null ? kid : thumbprint(publicKey);
  }

  /** A fresh key (local development: nothing configured). */
  public static SigningKey generate() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = gen.generateKeyPair();
      return new SigningKey(null, (ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an EC key", e);
    }
  }

  /** The configured key pair from PEM files (PKCS#8 private, X.509 SubjectPublicKeyInfo public). */
  public static SigningKey fromPem(Path privatePem, Path publicPem, String kid) {
    try {
      KeyFactory kf = KeyFactory.getInstance("EC");
      ECPrivateKey priv = (ECPrivateKey) kf.generatePrivate(new PKCS8EncodedKeySpec(pem(privatePem, "PRIVATE KEY")));
      ECPublicKey pub = (ECPublicKey) kf.generatePublic(new X509EncodedKeySpec(pem(publicPem, "PUBLIC KEY")));
      if (pub.getParams().getCurve().getField().getFieldSize() != 256) {
        throw new IllegalArgumentException("JWT keys must be EC P-256 (ES256)");
      }
      return new SigningKey(kid, pub, priv);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read JWT key file: " + e.getMessage(), e);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("JWT key files must hold an EC P-256 key pair in PEM: " + e.getMessage(), e);
    }
  }

  private static byte[] pem(Path path, String label) throws IOException {
    String text = Files.readString(path, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) throw new IOException(path + " is not a PEM '" + label + "'");
    return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e));
  }

  public String kid() {
    return kid;
  }

  /** Public JWK: kty, crv, x, y, kid, alg, use. */
  public JsonObject publicJwk() {
    return new JsonObject().put("kty", "EC").put("crv", "P-256")
        .put("x", b64(publicKey.getW().getAffineX())).put("y", b64(publicKey.getW().getAffineY()))
        .put("kid", kid).put("alg", ALGORITHM).put("use", "sig");
  }

  /** Private JWK (public fields plus d), for signing inside this service only. */
  JsonObject privateJwk() {
    return publicJwk().put("d", b64(privateKey.getS()));
  }

  private static String b64(BigInteger n) {
    byte[] raw = n.toByteArray();
    byte[] fixed = new byte[COORDINATE_BYTES];
    int len = Math.min(raw.length, COORDINATE_BYTES);
    System.arraycopy(raw, raw.length - len, fixed, COORDINATE_BYTES - len, len);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

  /** RFC 7638 JWK thumbprint (SHA-256 over the required members in order). */
  private static String thumbprint(ECPublicKey key) {
    String canonical = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + b64(key.getW().getAffineX())
        + "\",\"y\":\"" + b64(key.getW().getAffineY()) + "\"}";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
