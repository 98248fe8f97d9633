package io.tandem.bench.run;

/**
 * The web client's reconnect timing (web-client {@code js/reconnect-policy.js}, {@code signaling.js},
 * {@code config.js}; docs/protocol.md "Client behaviour on a dropped socket"), so that simulated users
 * come back as a browser would: a socket lost during a call is replaced after a random 0–500 ms, twice
 * in a row at most; attempts that never open back off 1 s, 2 s … (±20%), capped at 2 s while a call
 * waits to be resumed and at 30 s otherwise.
 */
public final class ReconnectPolicy {
  /** {@code MAX_BACKOFF_MS}: the longest backoff between two attempts. */
  public static final long MAX_BACKOFF_MS = 30_000;
  /** {@code RESTART_JITTER_MS}: a quick reconnect (a dropped socket during a call, or 1012) waits a random 0 ms up to this. */
  public static final long RESTART_JITTER_MS = 500;
  /** {@code URGENT_MAX_BACKOFF_MS}: the backoff stops growing here while a call waits to be resumed. */
  public static final long URGENT_MAX_BACKOFF_MS = 2_000;
  /** {@code URGENT_QUICK_TRIES}: quick (jittered) reconnects in a row for a call before backing off. */
  public static final int URGENT_QUICK_TRIES = 2;
  /** The shortest backoff ({@code backoffDelay}'s floor). */
  public static final long MIN_BACKOFF_MS = 500;
  /** {@code CONNECT_TIMEOUT_MS}: a socket still connecting after this is given up (and counts as not opened). */
  public static final long CONNECT_TIMEOUT_MS = 10_000;
  /** {@code config.resumeRetryMs}: {@code resume} answered {@code unavailable}, {@code internal} or {@code rate-limited} is sent again after this. */
  public static final long RESUME_RETRY_MS = 1_000;
  /** {@code RESUME_MARGIN_MS}: a call is given up this long after the grace window (a dead gateway's window starts at its detection). */
  public static final long RESUME_MARGIN_MS = 6_000;

  private ReconnectPolicy() {}

  /** {@code backoffDelay(attempt, random, cap)}: 1 s × 2^attempt, ±20% ({@code random} in [0, 1)), at least 500 ms, at most {@code capMs}. */
  public static long backoffDelay(int attempt, double random, long capMs) {
    double base = Math.min(capMs, 1000 * Math.pow(2, Math.max(0, Math.min(attempt, 30))));
    double jittered = base * (0.8 + 0.4 * random);
    return Math.round(Math.min(capMs, Math.max(MIN_BACKOFF_MS, jittered)));
  }

  /** The quick reconnect's wait: {@code Math.floor(random() * RESTART_JITTER_MS)}. */
  public static long jitter(double random) {
    return (long) Math.floor(random * RESTART_JITTER_MS);
  }

  /**
   * The wait before the next attempt of a user whose call waits to be resumed ({@code closePolicy} with
   * {@code urgent}, then {@code handleClose}): an open socket that dropped is replaced after {@link #jitter}
   * while fewer than {@link #URGENT_QUICK_TRIES} quick tries ran in a row; otherwise (and for an attempt
   * that never opened) the backoff, capped at {@link #URGENT_MAX_BACKOFF_MS}.
   *
   * @param opened the lost socket had opened
   * @param quick quick tries in a row so far
   * @param attempt the backoff exponent so far
   */
  public static long urgentDelay(boolean opened, int quick, int attempt, double random) {
    if (opened && quick < URGENT_QUICK_TRIES) return jitter(random);
    return backoffDelay(attempt, random, URGENT_MAX_BACKOFF_MS);
  }
}
