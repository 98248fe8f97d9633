package io.tandem.common;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The proof-of-work puzzle of {@code POST /auth/token} (docs/protocol.md, "Proof of work"): a nonce
 * solves a challenge at difficulty {@code d} when SHA-256 of the ASCII text {@code challenge + nonce}
 * starts with {@code d} zero bits. Checking costs one hash; finding a nonce costs 2<sup>d</sup>
 * hashes on average. {@link #solve} is the reference solver (tests, the bench, scripted clients);
 * the page solves it in {@code js/pow-worker.js}.
 */
public final class ProofOfWork {
  /** Longest nonce accepted, characters. */
  public static final int NONCE_MAX_CHARS = 32;
  /** The nonce alphabet (a solver may use any of it; the page and {@link #solve} use decimal digits). */
  public static final String NONCE_PATTERN = "[A-Za-z0-9_-]{1," + NONCE_MAX_CHARS + "}";

  private ProofOfWork() {}

  /** SHA-256 of {@code challenge + nonce} (ASCII). */
  public static byte[] hash(String challenge, String nonce) {
    MessageDigest md = sha256();
    md.update(challenge.getBytes(StandardCharsets.US_ASCII));
    return md.digest(nonce.getBytes(StandardCharsets.US_ASCII));
  }

  /** Number of leading zero bits of {@code hash}. */
  public static int leadingZeroBits(byte[] hash) {
    int bits = 0;
    for (byte b : hash) {
      if (b == 0) {
        bits += 8;
        continue;
      }
      return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
    }
    return bits;
  }

  /** True when {@code nonce} solves {@code challenge} at {@code difficulty}. */
  public static boolean solves(String challenge, String nonce, int difficulty) {
    return leadingZeroBits(hash(challenge, nonce)) >= difficulty;
  }

  /** The smallest decimal nonce ≥ 0 solving {@code challenge} at {@code difficulty} (single thread; 2^d hashes on average). */
  public static String solve(String challenge, int difficulty) {
    return Long.toString(solveFrom(challenge, difficulty, 0));
  }

  /**
   * The smallest decimal nonce ≥ {@code start} solving it, as a number. The challenge's whole 64-byte
   * blocks are hashed once; each try copies that state and hashes the rest (one block for ours).
   */
  public static long solveFrom(String challenge, int difficulty, long start) {
    byte[] prefix = challenge.getBytes(StandardCharsets.US_ASCII);
    int whole = prefix.length - prefix.length % 64;
    byte[] digits = new byte[20];
    byte[] out = new byte[32];
    MessageDigest mid = sha256();
    mid.update(prefix, 0, whole);
    try {
      for (long n = start; ; n++) {
        int len = decimal(n, digits);
        MessageDigest md = (MessageDigest) mid.clone();
        md.update(prefix, whole, prefix.length - whole);
        md.update(digits, digits.length - len, len);
        md.digest(out, 0, out.length);
        if (leadingZeroBits(out) >= difficulty) return n;
      }
    } catch (DigestException | CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the decimal digits of {@code n} (≥ 0) right-aligned into {@code buf}; returns their count. */
  private static int decimal(long n, byte[] buf) {
    int i = buf.length;
    do {
      buf[--i] = (byte) ('0' + n % 10);
      n /= 10;
    } while (n > 0);
    return buf.length - i;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
