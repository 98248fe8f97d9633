package io.tandem.matchmaker;

import io.tandem.common.ErrorCode;
import io.tandem.common.Ids;
import io.tandem.common.Limits;
import io.tandem.common.RedisScript;
import io.tandem.common.TandemException;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.ArrayList;
import java.util.List;

/**
 * The matchmaker's atomic Redis steps. Every method is one Lua script, so any number of
 * matchmaker replicas can run them concurrently without double matches or lost users.
 */
public final class MatchStore {
  private final Redis redis;
  private final MatchmakerConfig config;

  public MatchStore(Redis redis, MatchmakerConfig config) {
    this.redis = redis;
    this.config = config;
  }

  /**
   * Queues the user, or pairs them at once with the oldest compatible waiting user (who becomes the
   * caller): sharing an interest, both without interests, or one waiting past the relax time; never
   * a pair within its rematch cooldown. Null result = queued. Fails GONE when the socket is no longer registered, IN_SESSION
   * when the user is in a call. A repeated join keeps the original place in the queue.
   */
  public Future<Pairing> join(UserRef user, List<String> interests) {
    return RedisScript.JOIN.run(redis, user.userId(), user.connId(), Ids.session(), config.region(),
        config.scanMax(), config.nodeTtlMs(), String.join(Limits.INTEREST_SEPARATOR, interests),
        config.relaxMs(), config.cooldownMs()).map(r -> switch (r.get(0).toString()) {
          case "queued" -> null;
          case "matched" -> Pairing.from(r, 1);
          case "in-session" -> throw new TandemException(ErrorCode.IN_SESSION);
          default -> throw new TandemException(ErrorCode.GONE);
        });
  }

  /** Removes the user's queue entry; succeeds whether or not there was one. */
  public Future<Void> leave(UserRef user) {
    return RedisScript.LEAVE.run(redis, user.userId(), user.connId()).mapEmpty();
  }

  /**
   * Undoes a match that could not be delivered (no rematch cooldown). Succeeds whether or not the
   * session still exists; the result lists the users to tell (empty when it had already ended).
   */
  public Future<List<UserRef>> abort(String sessionId) {
    return RedisScript.ABORT.run(redis, sessionId).map(r -> users(r, 0));
  }

  /** Marks a match as delivered to both sides; succeeds whether or not it was still pending. */
  public Future<Void> confirm(String sessionId) {
    return RedisScript.CONFIRM.run(redis, sessionId).mapEmpty();
  }

  /**
   * Undoes matches still unconfirmed {@code MATCH_CONFIRM_MS} after pairing (at most
   * {@link MatchmakerConfig#EXPIRE_BATCH}); each result is a session with the two users to tell.
   */
  public Future<List<Undone>> expirePending() {
    return RedisScript.EXPIRE_PENDING.run(redis, config.confirmMs(), MatchmakerConfig.EXPIRE_BATCH).map(r -> {
      List<Undone> out = new ArrayList<>();
      for (int i = 0; i + 7 <= r.size(); i += 7) out.add(new Undone(r.get(i).toString(), users(r, i + 1)));
      return out;
    });
  }

  /** Reads {id, node, conn} triples. */
  private static List<UserRef> users(io.vertx.redis.client.Response r, int from) {
    List<UserRef> out = new ArrayList<>();
    for (int i = from; r != null && i + 3 <= r.size() && out.size() < 2; i += 3) {
      out.add(new UserRef(r.get(i).toString(), r.get(i + 2).toString(), r.get(i + 1).toString()));
    }
    return out;
  }

  /** A match that was undone, and the users to tell. */
  public record Undone(String sessionId, List<UserRef> users) {}

  /** Backup pairing: pairs waiting users oldest-first (at most {@link Limits#SWEEP_PAIRS_MAX}). */
  public Future<List<Pairing>> sweepPairs() {
    Object[] args = new Object[5 + Limits.SWEEP_PAIRS_MAX];
    args[0] = config.region();
    args[1] = config.scanMax();
    args[2] = config.nodeTtlMs();
    args[3] = config.relaxMs();
    args[4] = config.cooldownMs();
    for (int i = 0; i < Limits.SWEEP_PAIRS_MAX; i++) args[5 + i] = Ids.session();
    return RedisScript.SWEEP_PAIRS.run(redis, args).map(r -> {
      List<Pairing> out = new ArrayList<>();
      for (int i = 2; i + Pairing.WIDTH <= r.size(); i += Pairing.WIDTH) out.add(Pairing.from(r, i));
      MatchMetrics.removed(r.get(0).toLong());
      MatchMetrics.queueLength(r.get(1).toLong());
      return out;
    });
  }

  /** Cleans one batch of one dead gateway node; null when no node is dead. */
  public Future<Reaped> reapDeadNode() {
    return RedisScript.REAP_NODE.run(redis, config.nodeTtlMs(), Limits.REAP_BATCH).map(r -> {
      if (r == null || r.size() == 0) return null;
      List<Reaped.EndedCall> ended = new ArrayList<>();
      for (int i = 2; i + 4 <= r.size(); i += 4) {
        ended.add(new Reaped.EndedCall(r.get(i).toString(),
            new UserRef(r.get(i + 1).toString(), r.get(i + 3).toString(), r.get(i + 2).toString())));
      }
      MatchMetrics.removed(r.get(1).toLong());
      return new Reaped(r.get(0).toString(), ended);
    });
  }

  /** One batch of cleanup after a dead gateway node: the calls that ended and their surviving peers. */
  public record Reaped(String node, List<EndedCall> endedCalls) {
    /** A call that ended; {@code survivor} must be told. */
    public record EndedCall(String sessionId, UserRef survivor) {}
  }
}
