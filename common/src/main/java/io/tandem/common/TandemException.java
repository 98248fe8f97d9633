package io.tandem.common;

/** A failure with a client-visible code; everything else is mapped to INTERNAL or UNAVAILABLE by {@link Failures}. */
public final class TandemException extends RuntimeException {
  private final ErrorCode code;

  public TandemException(ErrorCode code, String message) {
    super(message == null ? code.defaultMessage : message, null, false, false);
    this.code = code;
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
