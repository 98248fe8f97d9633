package io.tandem.auth;

import io.tandem.common.ErrorCode;
import io.tandem.common.Hashing;
import io.tandem.common.Ids;
import io.tandem.common.PowSchedule;
import io.tandem.common.ProofOfWork;
import io.tandem.common.TandemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stateless proof-of-work challenges: {@code t1.<difficulty>.<expires (epoch s)>.<salt>.<mac>}, the
 * mac an HMAC-SHA256 (truncated to 128 bits, base64url) of everything before it under the shared
 * challenge key ({@code POW_SECRET}). Any auth replica verifies any replica's challenge; that each is
 * spent once is {@link PowGuard}'s part (Redis). The 32-byte salt makes a challenge longer than one
 * SHA-256 block, so a solver hashes that block once and then one block per try.
 */
public final class PowChallenges {
  /** Format version, the challenge's first field. */
  public static final String VERSION = "t1";
  /** Random bytes of a challenge's salt. */
  public static final int SALT_BYTES = 32;
  private static final Pattern FORMAT = Pattern.compile(
      Pattern.quote(VERSION) + "\\.([0-9]{1,2})\\.([0-9]{1,12})\\.([A-Za-z0-9_-]{43})\\.([A-Za-z0-9_-]{22})");

  /** A challenge: its text (what is hashed, with the nonce), difficulty (bits), expiry and salt. */
  public record Challenge(String text, int difficulty, long expiresAtMs, String salt) {}

  private final Hashing key;
  private final LongSupplier clockMs;

  public PowChallenges(Hashing key, LongSupplier clockMs) {
    this.key = key;
    this.clockMs = clockMs;
  }

  /** A new challenge at {@code difficulty}, valid {@link PowSchedule#CHALLENGE_TTL_SECONDS}. */
  public Challenge issue(int difficulty) {
    long expires = clockMs.getAsLong() / 1000 + PowSchedule.CHALLENGE_TTL_SECONDS;
    String salt = Ids.random("", SALT_BYTES);
    String body = VERSION + "." + difficulty + "." + expires + "." + salt;
    return new Challenge(body + "." + key.hash(body), difficulty, expires * 1000, salt);
  }

  /**
   * The challenge, when it is ours and intact ({@code pow-forged}), not expired ({@code pow-expired})
   * and solved by {@code nonce} at its own difficulty ({@code pow-unsolved}), checked in that order.
   * Whether it was spent before, or is hard enough for the caller's network now, is for the caller.
   */
  public Challenge verify(String text, String nonce) {
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) throw new TandemException(ErrorCode.POW_FORGED);
    String body = text.substring(0, text.lastIndexOf('.'));
    if (!MessageDigest.isEqual(key.hash(body).getBytes(StandardCharsets.US_ASCII), m.group(4).getBytes(StandardCharsets.US_ASCII))) {
      throw new TandemException(ErrorCode.POW_FORGED);
    }
    long expiresMs = Long.parseLong(m.group(2)) * 1000;
    if (clockMs.getAsLong() >= expiresMs) throw new TandemException(ErrorCode.POW_EXPIRED);
    int difficulty = Integer.parseInt(m.group(1));
    if (!ProofOfWork.solves(text, nonce, difficulty)) throw new TandemException(ErrorCode.POW_UNSOLVED);
    return new Challenge(text, difficulty, expiresMs, m.group(3));
  }
}
