package io.tandem.common;

/** A failure with a client-visible code; everything else is mapped to INTERNAL or UNAVAILABLE by {@link Failures}. */
public final class TandemException extends RuntimeException {
  private final ErrorCode code;
  private final Integer retryAfterSeconds;

  public TandemException(ErrorCode code, String message) {
    this(code, message, null);
  }

  private TandemException(ErrorCode code, String message, Integer retryAfterSeconds) {
    super(message == null ? code.defaultMessage : message, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** RATE_LIMITED, with the seconds after which a retry may succeed. */
  public static TandemException rateLimited(int retryAfterSeconds) {
    return new TandemException(ErrorCode.RATE_LIMITED, ErrorCode.RATE_LIMITED.defaultMessage, retryAfterSeconds);
  }

  /** Seconds to wait before retrying (rate limits), or null. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public TandemException(ErrorCode code) {
    this(code, null);
  }

  public ErrorCode code() {
    return code;
  }

  /** Shorthand for an INVALID_FIELD failure naming the field. */
  public static TandemException field(String field, String problem) {
    return new TandemException(ErrorCode.INVALID_FIELD, field + " " + problem);
  }
}
