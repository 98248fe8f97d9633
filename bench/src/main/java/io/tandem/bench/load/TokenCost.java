package io.tandem.bench.load;

import io.tandem.bench.run.Options;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one token check costs on this JVM, single-threaded and warm: signing and verifying a
 * token-sized payload with ES256 (P-256, what Tandem uses), RS256 (RSA 2048) and Ed25519 through
 * {@code java.security.Signature}, and a hit in a cache of verified tokens keyed by the token string
 * (its SHA-256 computed per lookup, as the gateway's {@code VerifiedTokens} does).
 * <p>
 * {@code java -cp bench/target/bench-all.jar io.tandem.bench.TokenCost [--seconds 2]}; run it with
 * another JDK's {@code java} to compare JDKs. Prints one line per figure and a JSON object.
 */
public final class TokenCost {
  private TokenCost() {}

  public static void main(String[] args) throws Exception {
    Options o = new Options().declare("seconds", "2", "measuring time per figure (after as long a warm-up)").parse(List.of(args));
    double seconds = o.decimal("seconds", 0.1, 60);
    String header = b64("{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"0123456789abcdef\"}");
    String claims = b64(new JsonObject().put("sub", "u_0123456789abcdef").put("name", "somebody").put("dev", "d".repeat(43))
        .put("fam", "f".repeat(22)).put("iss", "tandem-auth").put("aud", "tandem").put("iat", 1_800_000_000L)
        .put("exp", 1_800_000_300L).put("jti", "j".repeat(22)).encode());
    byte[] signingInput = (header + "." + claims).getBytes(StandardCharsets.US_ASCII);
    Map<String, Double> micros = new LinkedHashMap<>();
    measureAlgorithm(micros, "ES256", "EC", new ECGenParameterSpec("secp256r1"), 0, "SHA256withECDSA", signingInput, seconds);
    measureAlgorithm(micros, "RS256", "RSA", null, 2048, "SHA256withRSA", signingInput, seconds);
    measureAlgorithm(micros, "Ed25519", "Ed25519", null, 0, "Ed25519", signingInput, seconds);
    // a cache hit as the gateway does it (VerifiedTokens): SHA-256 of the whole token as the key,
    // looked up among 10,000 entries
    Map<java.nio.ByteBuffer, Long> cache = new ConcurrentHashMap<>();
    String token = header + "." + claims + "." + "s".repeat(86);
    for (int i = 0; i < 10_000; i++) cache.put(sha256(token + i), (long) i);
    cache.put(sha256(token), 1L);
    micros.put("cache hit (SHA-256 key, 10,000 entries)", perOpMicros(() -> {
      if (cache.get(sha256(token)) == null) throw new IllegalStateException("miss");
    }, seconds));
    JsonObject json = new JsonObject().put("java", System.getProperty("java.version")).put("vm", System.getProperty("java.vm.name"));
    micros.forEach((k, v) -> {
      System.out.printf(Locale.ROOT, "%-30s %10.2f µs/op%n", k, v);
      json.put(k, Math.round(v * 100) / 100.0);
    });
    System.out.println(json.encode());
  }

  private static void measureAlgorithm(Map<String, Double> out, String name, String keyAlg, ECGenParameterSpec curve, int bits,
                                       String sigAlg, byte[] input, double seconds) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance(keyAlg);
    if (curve != null) gen.initialize(curve);
    else if (bits > 0) gen.initialize(bits);
    KeyPair pair = gen.generateKeyPair();
    Signature signer = Signature.getInstance(sigAlg);
    Signature verifier = Signature.getInstance(sigAlg);
    signer.initSign(pair.getPrivate());
    signer.update(input);
    byte[] sig = signer.sign();
    out.put(name + " sign", perOpMicros(() -> {
      signer.initSign(pair.getPrivate());
      signer.update(input);
      signer.sign();
    }, seconds));
    out.put(name + " verify", perOpMicros(() -> {
      verifier.initVerify(pair.getPublic());
      verifier.update(input);
      if (!verifier.verify(sig)) throw new IllegalStateException(name + " did not verify");
    }, seconds));
  }

  /** An operation that may throw. */
  private interface Op {
    void run() throws Exception;
  }

  private static double perOpMicros(Op op, double seconds) throws Exception {
    long warm = System.nanoTime() + (long) (seconds * 1e9);
    while (System.nanoTime() < warm) op.run();
    long n = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long now;
    do {
      for (int i = 0; i < 16; i++) op.run();
      n += 16;
      now = System.nanoTime();
    } while (now < end);
    return (now - start) / 1e3 / n;
  }

  private static java.nio.ByteBuffer sha256(String s) throws java.security.NoSuchAlgorithmException {
    return java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
