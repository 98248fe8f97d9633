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
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.MessageDigest;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The RSA key that signs access tokens (RS256), as JWKs. The private half never leaves
 * auth-service; {@link #publicJwk()} is what verifiers get. RS256 rather than ES256: every
 * WebSocket handshake verifies a token, and an RSA check costs a small fraction of a P-256 one
 * (bench run 20261129-110400-tokencost: 57 µs against 2.1 ms on Java 17); signing is dearer, but
 * happens once per token here, in a service that scales on its own (docs/scaling.md).
 */
public final class SigningKey {
  /** The only signing algorithm. */
  public static final String ALGORITHM = "RS256";
  /** Size of a generated key, and the least accepted from files, bits. */
  public static final int KEY_BITS = 2048;

  private final String kid;
  private final RSAPublicKey publicKey;
  private final RSAPrivateCrtKey privateKey;

  private SigningKey(String kid, RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
    this.publicKey = publicKey;
    this.privateKey = privateKey;
    this.kid = kid != null ? kid : thumbprint(publicKey);
  }

  /** A fresh key (local development: nothing configured). */
  public static SigningKey generate() {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(KEY_BITS);
      KeyPair pair = gen.generateKeyPair();
      return new SigningKey(null, (RSAPublicKey) pair.getPublic(), (RSAPrivateCrtKey) pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an RSA key", e);
    }
  }

  /** The configured key pair from PEM files (PKCS#8 private, X.509 SubjectPublicKeyInfo public). */
  public static SigningKey fromPem(Path privatePem, Path publicPem, String kid) {
    try {
      KeyFactory kf = KeyFactory.getInstance("RSA");
      RSAPrivateCrtKey priv = (RSAPrivateCrtKey) kf.generatePrivate(new PKCS8EncodedKeySpec(pem(privatePem, "PRIVATE KEY")));
      RSAPublicKey pub = (RSAPublicKey) kf.generatePublic(new X509EncodedKeySpec(pem(publicPem, "PUBLIC KEY")));
      if (pub.getModulus().bitLength() < KEY_BITS) {
        throw new IllegalArgumentException("JWT keys must be RSA of at least " + KEY_BITS + " bits (RS256)");
      }
      if (!pub.getModulus().equals(priv.getModulus())) {
        throw new IllegalArgumentException("JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE are not one key pair");
      }
      return new SigningKey(kid, pub, priv);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read JWT key file: " + e.getMessage(), e);
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("JWT key files must hold an RSA key pair in PEM (PKCS#8 private, X.509 public): "
          + e.getMessage(), e);
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

  /** Public JWK: kty, n, e, kid, alg, use. */
  public JsonObject publicJwk() {
    return new JsonObject().put("kty", "RSA").put("n", b64(publicKey.getModulus())).put("e", b64(publicKey.getPublicExponent()))
        .put("kid", kid).put("alg", ALGORITHM).put("use", "sig");
  }

  /** Private JWK (public fields plus d and the CRT values), for signing inside this service only. */
  JsonObject privateJwk() {
    return publicJwk().put("d", b64(privateKey.getPrivateExponent())).put("p", b64(privateKey.getPrimeP()))
        .put("q", b64(privateKey.getPrimeQ())).put("dp", b64(privateKey.getPrimeExponentP()))
        .put("dq", b64(privateKey.getPrimeExponentQ())).put("qi", b64(privateKey.getCrtCoefficient()));
  }

  /** base64url of an unsigned big-endian integer, without leading zero bytes (RFC 7518 §6.3). */
  private static String b64(BigInteger n) {
    byte[] raw = n.toByteArray();
    int skip = 0;
    while (skip < raw.length - 1 && raw[skip] == 0) skip++;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(raw, skip, raw.length));
  }

  /** RFC 7638 JWK thumbprint (SHA-256 over the required members in order). */
  private static String thumbprint(RSAPublicKey key) {
    String canonical = "{\"e\":\"" + b64(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\"" + b64(key.getModulus()) + "\"}";
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
