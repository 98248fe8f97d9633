package io.tandem.auth;

import io.tandem.common.ErrorCode;
import io.tandem.common.PowSchedule;
import io.tandem.common.RedisKeys;
import io.tandem.common.RedisScript;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proof-of-work gate of {@code POST /auth/token} (docs/safety.md, "Proof of work"): issues
 * challenges at the difficulty the caller's network needs now ({@link PowSchedule}), and admits a
 * token request whose solution is ours, unexpired, solved, never spent before (SET NX in Redis, so
 * across every auth replica) and hard enough for the network's level once this token is counted.
 * The base difficulty is {@code TOKEN_POW_DIFFICULTY} unless an operator set one in Redis
 * ({@link RedisKeys#POW_BASE_DIFFICULTY}, re-read every {@link #OVERRIDE_RELOAD_MS}).
 */
public final class PowGuard {
  private static final Logger LOG = LoggerFactory.getLogger(PowGuard.class);
  /** A spent challenge is remembered this long after its expiry (clock differences between replicas), ms. */
  public static final long SPENT_MARGIN_MS = 30_000;
  /** How often each replica re-reads the operator's base difficulty, ms. */
  public static final long OVERRIDE_RELOAD_MS = 1_000;
  /** The puzzle, named in the challenge answer. */
  public static final String ALGORITHM = "sha256-leading-zero-bits";
  /** The network key used when a call carries no IP hash (event-bus callers other than gateways). */
  static final String NO_NETWORK = "none";

  private final PowConfig config;
  private final Redis redis;
  private final PowChallenges challenges;
  private final LongSupplier clockMs;
  private volatile Integer override;

  public PowGuard(PowConfig config, Redis redis, PowChallenges challenges, LongSupplier clockMs) {
    this.config = config;
    this.redis = redis;
    this.challenges = challenges;
    this.clockMs = clockMs;
  }

  /** Whether tokens need a solution ({@code TOKEN_POW}). */
  public boolean enabled() {
    return config.enabled();
  }

  /** The base difficulty in force: the operator's, else the configured one. */
  public int base() {
    Integer o = override;
    return o != null ? o : config.baseDifficulty();
  }

  /** GET /auth/challenge: a challenge at the difficulty of the network's next token, or {@code required: false}. */
  public Future<JsonObject> challenge(String ipHash) {
    if (!config.enabled()) return Future.succeededFuture(new JsonObject().put("required", false));
    return level(ipHash, 0).map(level -> {
      PowChallenges.Challenge c = challenges.issue(PowSchedule.difficulty(base(), level + 1));
      return new JsonObject().put("required", true).put("algorithm", ALGORITHM).put("challenge", c.text())
          .put("difficulty", c.difficulty()).put("expiresIn", PowSchedule.CHALLENGE_TTL_SECONDS);
    });
  }

  /** Admits a token request's solution (null when absent), or fails with the {@code pow-*} code that says why. */
  public Future<Void> check(PowSolution solution, String ipHash) {
    if (!config.enabled()) return Future.succeededFuture();
    if (solution == null) return Future.failedFuture(new TandemException(ErrorCode.POW_REQUIRED));
    PowChallenges.Challenge c;
    try {
      c = challenges.verify(solution.challenge(), solution.nonce());
    } catch (TandemException e) {
      return Future.failedFuture(e);
    }
    long keepMs = Math.max(1, c.expiresAtMs() - clockMs.getAsLong()) + SPENT_MARGIN_MS;
    return redis.send(Request.cmd(Command.SET).arg(RedisKeys.powSpent(c.salt())).arg("1").arg("NX").arg("PX").arg(keepMs))
        .compose(r -> r == null ? Future.failedFuture(new TandemException(ErrorCode.POW_REUSED)) : level(ipHash, 1))
        .compose(level -> {
          int needed = PowSchedule.difficulty(base(), level);
          if (c.difficulty() >= needed) return Future.succeededFuture();
          return Future.failedFuture(new TandemException(ErrorCode.POW_TOO_EASY, "pow.challenge has difficulty " + c.difficulty()
              + " but this network now needs " + needed + ": fetch a new one"));
        });
  }

  /** The network's level now, after adding {@code add} tokens (0: only read). */
  private Future<Double> level(String ipHash, int add) {
    String key = RedisKeys.powLevel(ipHash == null ? NO_NETWORK : ipHash);
    return RedisScript.POW_LEVEL.runOn(redis, List.of(key), PowSchedule.DECAY_MS, add).map(r -> Double.parseDouble(r.toString()));
  }

  /** Re-reads the operator's base difficulty (absent or unreadable: the configured one). */
  public Future<Void> reloadOverride() {
    return redis.send(Request.cmd(Command.GET).arg(RedisKeys.POW_BASE_DIFFICULTY)).map(r -> {
      Integer next = null;
      if (r != null) {
        try {
          int v = Integer.parseInt(r.toString().trim());
          if (v >= PowSchedule.MIN_BASE && v <= PowSchedule.MAX_BASE) next = v;
        } catch (NumberFormatException ignored) {
          // reported below
        }
        if (next == null) LOG.warn("ignoring {}: not a difficulty between {} and {}", RedisKeys.POW_BASE_DIFFICULTY,
            PowSchedule.MIN_BASE, PowSchedule.MAX_BASE);
      }
      if (!java.util.Objects.equals(next, override)) {
        LOG.info("proof-of-work base difficulty now {} ({})", next == null ? config.baseDifficulty() : next,
            next == null ? "TOKEN_POW_DIFFICULTY" : "set by an operator");
      }
      override = next;
      return null;
    });
  }

  /** GET /admin/pow: what is in force. */
  public JsonObject status() {
    return new JsonObject().put("enabled", config.enabled()).put("configuredBase", config.baseDifficulty())
        .put("operatorBase", override).put("base", base()).put("freeTokens", PowSchedule.FREE_TOKENS)
        .put("maxDifficulty", PowSchedule.MAX_DIFFICULTY).put("decaySeconds", PowSchedule.DECAY_MS / 1000);
  }

  /** PUT /admin/pow: the operator's base difficulty for every replica, for {@code ttlSeconds} (0 = until removed). */
  public Future<JsonObject> setOverride(int base, int ttlSeconds) {
    Request set = Request.cmd(Command.SET).arg(RedisKeys.POW_BASE_DIFFICULTY).arg(base);
    if (ttlSeconds > 0) set.arg("EX").arg(ttlSeconds);
    return redis.send(set).compose(r -> reloadOverride()).map(v -> status());
  }

  /** DELETE /admin/pow: back to the configured base difficulty. */
  public Future<JsonObject> clearOverride() {
    return redis.send(Request.cmd(Command.DEL).arg(RedisKeys.POW_BASE_DIFFICULTY)).compose(r -> reloadOverride()).map(v -> status());
  }
}
