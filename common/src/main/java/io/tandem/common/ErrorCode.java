package io.tandem.common;

import java.util.HashMap;
import java.util.Map;

/** Every error code a client can see, with its HTTP status; the one table failures map through. */
public enum ErrorCode {
  /** HTTP: malformed body or field. */
  BAD_REQUEST("bad-request", 400, "Bad request"),
  /** WS: the frame is not {"type": string, "data": object}. */
  INVALID_JSON("invalid-json", 400, "Frames must be JSON objects {\"type\": string, \"data\": object}"),
  /** WS: unknown frame type. */
  UNKNOWN_TYPE("unknown-type", 400, "Unknown message type"),
  /** WS: a field is missing, mistyped or out of bounds. */
  INVALID_FIELD("invalid-field", 400, "Invalid field"),
  /** WS: the frame is over the size limit. */
  TOO_LARGE("too-large", 413, "Frame too large"),
  /** WS: the sessionId is not the sender's current session. */
  NOT_IN_SESSION("not-in-session", 403, "You are not in that session"),
  /** WS: join-queue during a call. */
  IN_SESSION("in-session", 409, "End the current call first"),
  /** WS: chat text empty or too long after cleaning. */
  INVALID_MESSAGE("invalid-message", 400, "Messages must be 1 to 1000 characters"),
  /** WS: a chat text refused by moderation (word list, links). */
  MODERATED("moderated", 422, "Message not sent: it breaks the chat rules"),
  /** WS: the Origin of a browser is not allowed (cross-site WebSocket). */
  BAD_ORIGIN("bad-origin", 403, "Origin not allowed"),
  /** Missing, bad, expired or spent credentials. */
  UNAUTHORIZED("unauthorized", 401, "Invalid or expired credentials"),
  /** The user is under 18. */
  UNDERAGE("underage", 403, "Tandem is for adults (18+) only"),
  /** The device or network is blocked. */
  BLOCKED("blocked", 403, "Access blocked"),
  /** Too many requests. */
  RATE_LIMITED("rate-limited", 429, "Too many requests, slow down"),
  /** No such route. */
  NOT_FOUND("not-found", 404, "Not found"),
  /** A backend (Redis, another service) did not answer. */
  UNAVAILABLE("unavailable", 503, "Service temporarily unavailable, try again"),
  /** The user's socket is gone (internal: reported between services). */
  GONE("gone", 410, "Connection gone"),
  /** Anything unexpected. */
  INTERNAL("internal", 500, "Internal error"),
  /** WS: resume of a call that ended, or that the sender is not in (search again). */
  SESSION_GONE("session-gone", 410, "That call is over"),
  /** WS: chat while the stranger's connection is being restored (try again when they are back). */
  PEER_AWAY("peer-away", 409, "Your stranger is reconnecting; try again in a moment"),
  /** HTTP: POST /auth/token without the proof-of-work field {@code pow}. */
  POW_REQUIRED("pow-required", 400, "pow is required: GET /auth/challenge, solve it and send {\"pow\": {\"challenge\", \"nonce\"}}"),
  /** HTTP: {@code pow.challenge} was not issued by auth-service, or was altered (its signature does not match). */
  POW_FORGED("pow-forged", 403, "pow.challenge was not issued by this service or was altered"),
  /** HTTP: {@code pow.challenge} is past its expiry. */
  POW_EXPIRED("pow-expired", 403, "pow.challenge has expired: fetch a new one"),
  /** HTTP: {@code pow.challenge} was already spent on a token (each is single-use). */
  POW_REUSED("pow-reused", 403, "pow.challenge was already used: fetch a new one"),
  /** HTTP: {@code pow.nonce} does not solve {@code pow.challenge} at its difficulty. */
  POW_UNSOLVED("pow-unsolved", 403, "pow.nonce does not solve pow.challenge"),
  /** HTTP: {@code pow.challenge} is easier than the caller's network now needs (its recent token rate rose): fetch a new one. */
  POW_TOO_EASY("pow-too-easy", 403, "pow.challenge is easier than this network now needs: fetch a new one");

  /** Code on the wire. */
  public final String code;
  /** HTTP status for this code. */
  public final int status;
  /** Default human-readable message. */
  public final String defaultMessage;

  ErrorCode(String code, int status, String defaultMessage) {
    this.code = code;
    this.status = status;
    this.defaultMessage = defaultMessage;
  }

  private static final Map<String, ErrorCode> BY_CODE = new HashMap<>();

  static {
    for (ErrorCode c : values()) BY_CODE.put(c.code, c);
  }

  /** The code with this wire name, or INTERNAL. */
  public static ErrorCode of(String code) {
    return code == null ? INTERNAL : BY_CODE.getOrDefault(code, INTERNAL);
  }
}
