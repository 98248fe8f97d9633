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

  /** Ends a session on behalf of a user whose socket turned out gone; succeeds if it no longer exists. */
  public Future<Void> abort(String sessionId, UserRef gone) {
    return RedisScript.END_CALL.run(redis, gone.userId(), gone.connId(), sessionId).mapEmpty();
  }

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
