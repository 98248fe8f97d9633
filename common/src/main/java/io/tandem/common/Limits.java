package io.tandem.common;

/** Named limits and defaults shared by the services; each is overridable where its setting is named. */
public final class Limits {
  private Limits() {}

  /** Access-token lifetime in seconds (design: 5 minutes). */
  public static final int ACCESS_TOKEN_TTL_SECONDS = 300;
  /** Refresh-token lifetime in seconds ({@code REFRESH_TOKEN_TTL_SECONDS}). */
  public static final int REFRESH_TOKEN_TTL_SECONDS = 24 * 3600;
  /** Clock skew tolerated when verifying tokens, seconds. */
  public static final int TOKEN_LEEWAY_SECONDS = 5;
  /** Minimum age when an age is given. */
  public static final int MIN_AGE = 18;
  /** Largest accepted age (beyond it the field is malformed). */
  public static final int MAX_AGE = 150;
  /** Display name bounds. */
  public static final int NAME_MAX = 32;
  /** Display name used when none is given. */
  public static final String DEFAULT_NAME = "Stranger";
  /** Device id bounds and alphabet. */
  public static final int DEVICE_ID_MIN = 8;
  public static final int DEVICE_ID_MAX = 128;
  public static final String DEVICE_ID_PATTERN = "[A-Za-z0-9_-]+";
  /** Largest HTTP body the auth endpoints read, bytes. */
  public static final int HTTP_BODY_MAX = 4096;

  /** Largest WebSocket frame handled, bytes ({@code WS_MAX_FRAME_BYTES}); larger ones get an error. */
  public static final int WS_MAX_FRAME_BYTES = 64 * 1024;
  /** Frames this many times the maximum close the socket (1009) without being read. */
  public static final int WS_HARD_LIMIT_FACTOR = 4;
  /** Chat text bounds after trimming and cleaning. */
  public static final int CHAT_MAX_CHARS = 1000;
  /** Most interests a join may carry, and their length. */
  public static final int INTERESTS_MAX = 10;
  public static final int INTEREST_MAX_CHARS = 32;
  /** Largest SDP accepted in an offer or answer, characters. */
  public static final int SDP_MAX_CHARS = 60 * 1024;
  /** Largest ICE candidate string, characters. */
  public static final int CANDIDATE_MAX_CHARS = 2048;

  /** Default wait after which someone is paired with anyone, ms ({@code RELAX_MS}). */
  public static final int RELAX_MS = 5000;
  /**
   * Default extra wait past {@code RELAX_MS} before a lone searching user moves to the region's
   * overflow partition ({@code OVERFLOW_AFTER_MS} = {@code RELAX_MS} + this, ms): the home partition's
   * sweep gets a round to pair the relaxed user first.
   */
  public static final int OVERFLOW_MARGIN_MS = 500;
  /** Default time two people who just ended a call are not paired again, ms ({@code REMATCH_COOLDOWN_MS}). */
  public static final int REMATCH_COOLDOWN_MS = 30_000;
  /** How long Redis remembers that a pair ended a call (the upper bound of the cooldown), ms. */
  public static final int PAIR_MEMORY_MS = 10 * 60_000;
  /** Separator of interest lists inside Redis (a control character, never part of an interest). */
  public static final String INTEREST_SEPARATOR = "\u001f";

  /** Session lifetime in Redis, seconds (design: 1 hour). */
  public static final int SESSION_TTL_SECONDS = 3600;
  /** How often a gateway refreshes its node heartbeat, ms ({@code NODE_HEARTBEAT_MS}). */
  public static final int NODE_HEARTBEAT_MS = 1000;
  /** A gateway whose heartbeat is older than this is dead, ms ({@code NODE_TTL_MS}). */
  public static final int NODE_TTL_MS = 5000;
  /** How long a call waits for a user whose socket was lost to resume it, ms ({@code RESUME_GRACE_MS}). */
  public static final int RESUME_GRACE_MS = 10_000;
  /** Largest grace window a deployment may configure, ms (a call should not hang on a ghost longer). */
  public static final int RESUME_GRACE_MAX_MS = 120_000;
  /** Most grace windows ended per sweep step. */
  public static final int GRACE_BATCH = 200;
  /** How often the matchmaker sweeps (dead nodes, missed pairs), ms ({@code SWEEP_INTERVAL_MS}). */
  public static final int SWEEP_INTERVAL_MS = 1000;
  /** Most queue entries one pairing attempt inspects (bounded scan). */
  public static final int PAIR_SCAN_MAX = 64;
  /** Most pairs one sweep forms. */
  public static final int SWEEP_PAIRS_MAX = 50;
  /** Most users of a dead node cleaned per sweep step. */
  public static final int REAP_BATCH = 200;
  /** Event-bus request timeout between services, ms ({@code BUS_TIMEOUT_MS}). */
  public static final int BUS_TIMEOUT_MS = 3000;
  /** Presence counts pushed to searching clients every this many ms ({@code STATS_INTERVAL_MS}). */
  public static final int STATS_INTERVAL_MS = 5000;
}
