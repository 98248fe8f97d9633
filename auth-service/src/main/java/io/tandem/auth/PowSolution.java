package io.tandem.auth;

import io.tandem.common.ErrorCode;
import io.tandem.common.ProofOfWork;
import io.tandem.common.TandemException;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** The {@code pow} field of {@code POST /auth/token}: a challenge from {@code GET /auth/challenge} and the nonce that solves it. */
public record PowSolution(String challenge, String nonce) {
  /** Longest challenge text accepted, characters (auth-service issues about 85). */
  public static final int CHALLENGE_MAX_CHARS = 200;
  private static final Pattern CHALLENGE = Pattern.compile("[\\x21-\\x7e]{1," + CHALLENGE_MAX_CHARS + "}");
  private static final Pattern NONCE = Pattern.compile(ProofOfWork.NONCE_PATTERN);

  /** The field's value, validated (400 naming the field); null when absent (the guard decides whether it is required). */
  public static PowSolution from(Object value) {
    if (value == null) return null;
    if (!(value instanceof JsonObject o)) throw bad("pow must be an object {\"challenge\", \"nonce\"}");
    if (!(o.getValue("challenge") instanceof String c) || !CHALLENGE.matcher(c).matches()) {
      throw bad("pow.challenge must be the challenge text from GET /auth/challenge");
    }
    if (!(o.getValue("nonce") instanceof String n) || !NONCE.matcher(n).matches()) {
      throw bad("pow.nonce must be 1-" + ProofOfWork.NONCE_MAX_CHARS + " characters of A-Z a-z 0-9 _ -");
    }
    return new PowSolution(c, n);
  }

  private static TandemException bad(String message) {
    return new TandemException(ErrorCode.BAD_REQUEST, message);
  }
}
