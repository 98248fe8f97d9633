package io.tandem.common;

/**
 * How hard the proof-of-work of {@code POST /auth/token} is (docs/safety.md, "Proof of work"). Each
 * network (keyed hash of its IP, as for rate limits) has a level: the tokens it minted recently, each
 * counting 1 and fading exponentially with time constant {@link #DECAY_MS}. A token minted at level
 * {@code n} (this one included) costs the base difficulty up to {@link #FREE_TOKENS}, then one bit
 * more per doubling of {@code n}: per-token work grows with the level, so the work of {@code N} quick
 * tokens grows about as N². Capped at {@link #MAX_DIFFICULTY}.
 */
public final class PowSchedule {
  private PowSchedule() {}

  /** Default base difficulty, bits ({@code TOKEN_POW_DIFFICULTY}): a page solves it in well under 150 ms (docs/safety.md). */
  public static final int BASE_DIFFICULTY = 16;
  /** Tokens a network mints recently at the base difficulty (a household, a page reloaded a few times). */
  public static final int FREE_TOKENS = 4;
  /** Time constant of the fading network level, ms (a token counts e^-1 after an hour). */
  public static final long DECAY_MS = 3_600_000;
  /** Hardest difficulty the schedule reaches, bits (2^24 hashes: seconds in Java, about a minute in a page). */
  public static final int MAX_DIFFICULTY = 24;
  /** Lowest base difficulty an operator may set (1 bit: practically off, for local runs). */
  public static final int MIN_BASE = 1;
  /** Highest base difficulty an operator may set, bits. */
  public static final int MAX_BASE = MAX_DIFFICULTY;
  /** Lifetime of a challenge, seconds: fetch, solve and send within it. */
  public static final int CHALLENGE_TTL_SECONDS = 120;

  /** The difficulty of a token minted at network level {@code level} (this token included) over {@code base}. */
  public static int difficulty(int base, double level) {
    int extra = 0;
    for (double n = Math.ceil(level - 1e-9); n > FREE_TOKENS * Math.pow(2, extra); ) extra++;
    return Math.min(base + extra, Math.max(base, MAX_DIFFICULTY));
  }
}
