package io.tandem.common.store;

import static io.tandem.common.store.StoreReplies.json;

import io.tandem.common.ErrorCode;
import io.tandem.common.Ids;
import io.tandem.common.Languages;
import io.tandem.common.Limits;
import io.tandem.common.MatchPartitions;
import io.tandem.common.RedisKeys;
import io.tandem.common.RedisScript;
import io.tandem.common.TandemException;
import io.tandem.common.msg.UserRef;
import io.tandem.common.msg.Wishes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CallStore} on Redis: each method is one Lua step from {@link RedisScript}, answering JSON
 * read by name. Any failure of Redis itself (connection, timeout, failover, a refused write) becomes
 * {@code UNAVAILABLE}, logged here with its cause.
 */
public final class RedisCallStore implements CallStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisCallStore.class);
  private final Redis redis;
  private final String partition;
  private final List<String> keys;
  private final String sessionPrefix;

  /** The store of the default matching partition (one partition: {@code {tandem}} keys). */
  public RedisCallStore(Redis redis) {
    this(redis, "");
  }

  /** The store of one matching partition (its keys share the tag {@code {tandem:<partition>}}; see {@link RedisKeys#tag}). */
  public RedisCallStore(Redis redis, String partition) {
    this.redis = redis;
    this.partition = partition;
    this.keys = List.of(RedisKeys.queue(partition));
    this.sessionPrefix = MatchPartitions.isOverflow(partition) ? MatchPartitions.OVERFLOW_SESSION_PREFIX : null;
  }

  @Override
  public String newSessionId() {
    return sessionPrefix == null ? Ids.session() : Ids.session(sessionPrefix);
  }

  /** The partition this store works in ({@code ""}: the default one). */
  public String partition() {
    return partition;
  }

  @Override
  public Future<Connected> connect(UserRef user, String name, String deviceHash, long graceMs) {
    return run(RedisScript.CONNECT, user.userId(), user.node(), user.connId(), name, deviceHash, graceMs).map(r -> {
      JsonObject o = json(r);
      return new Connected(StoreReplies.ref(o.getJsonObject("replaced")), StoreReplies.ended(o.getJsonObject("ended")),
          StoreReplies.graced(o.getJsonObject("graced")), o.getString("resumable"));
    });
  }

  @Override
  public Future<EndedCall> disconnect(UserRef user) {
    return run(RedisScript.DISCONNECT, user.userId(), user.connId())
        .map(r -> StoreReplies.ended(json(r).getJsonObject("ended")));
  }

  @Override
  public Future<Lost> suspend(UserRef user, long graceMs) {
    return run(RedisScript.SUSPEND, user.userId(), user.connId(), graceMs).map(r -> {
      JsonObject o = json(r);
      return new Lost(StoreReplies.graced(o.getJsonObject("graced")), StoreReplies.ended(o.getJsonObject("ended")));
    });
  }

  @Override
  public Future<Resumed> resume(UserRef user, String sessionId) {
    return run(RedisScript.RESUME, user.userId(), user.connId(), sessionId).map(r -> {
      JsonObject o = json(r);
      return switch (o.getString("status")) {
        case "resumed" -> {
          JsonObject p = o.getJsonObject("peer");
          yield new Resumed(o.getString("sid"), o.getString("role"), StoreReplies.ref(p), p.getString("name", ""),
              p.getString("dev", ""), o.getLong("epoch", 0L));
        }
        case "session-gone" -> throw new TandemException(ErrorCode.SESSION_GONE);
        default -> throw new TandemException(ErrorCode.GONE);
      };
    });
  }

  @Override
  public Future<List<EndedCall>> expireGrace(long nodeTtlMs, int batch) {
    return run(RedisScript.EXPIRE_GRACE, nodeTtlMs, batch)
        .map(r -> StoreReplies.list(json(r), "expired").stream().map(StoreReplies::ended).toList());
  }

  @Override
  public Future<JoinOutcome> join(UserRef user, Wishes wishes, MatchRules rules, long fence) {
    return run(RedisScript.JOIN, user.userId(), user.connId(), newSessionId(), rules.region(), rules.scanMax(),
        rules.nodeTtlMs(), String.join(Limits.INTEREST_SEPARATOR, wishes.interests()), rules.relaxMs(), rules.cooldownMs(),
        Languages.join(wishes.languages()), fence).map(r -> {
          JsonObject o = json(r);
          return switch (o.getString("status")) {
            case "queued" -> JoinOutcome.QUEUED;
            case "matched" -> new JoinOutcome.Paired(StoreReplies.pairing(o.getJsonObject("pair")));
            case "in-session" -> throw new TandemException(ErrorCode.IN_SESSION);
            default -> throw new TandemException(ErrorCode.GONE);
          };
        });
  }

  @Override
  public Future<Boolean> leave(UserRef user, long fence) {
    return run(RedisScript.LEAVE, user.userId(), user.connId(), fence).map(r -> r.toLong() == 1L);
  }

  @Override
  public Future<EndResult> endCall(UserRef user, String sessionId) {
    return run(RedisScript.END_CALL, user.userId(), user.connId(), sessionId).map(r -> {
      JsonObject o = json(r);
      EndResult.Status status = switch (o.getString("status")) {
        case "ended" -> EndResult.Status.ENDED;
        case "gone" -> EndResult.Status.GONE;
        default -> EndResult.Status.NOT_IN_SESSION;
      };
      return new EndResult(status, StoreReplies.ended(o.getJsonObject("ended")));
    });
  }

  @Override
  public Future<EndedCall> abandon(UserRef user, long fence) {
    return run(RedisScript.ABANDON, user.userId(), user.connId(), fence)
        .map(r -> StoreReplies.ended(json(r).getJsonObject("ended")));
  }

  @Override
  public Future<Void> confirmAll(List<String> sessionIds) {
    if (sessionIds.isEmpty()) return Future.succeededFuture();
    Future<Void> refused = StoreChecks.refuseOversizedBatch(sessionIds);
    if (refused != null) return refused;
    return run(RedisScript.CONFIRM, sessionIds.toArray(String[]::new)).mapEmpty();
  }

  @Override
  public Future<Undone> abort(String sessionId) {
    return run(RedisScript.ABORT, sessionId).map(r -> StoreReplies.undone(json(r)));
  }

  @Override
  public Future<List<Undone>> expirePending(long confirmMs, int batch) {
    return run(RedisScript.EXPIRE_PENDING, confirmMs, batch)
        .map(r -> StoreReplies.list(json(r), "undone").stream().map(StoreReplies::undone).toList());
  }

  @Override
  public Future<Sweep> sweepPairs(MatchRules rules, List<String> sessionIds) {
    Object[] args = new Object[5 + sessionIds.size()];
    args[0] = rules.region();
    args[1] = rules.scanMax();
    args[2] = rules.nodeTtlMs();
    args[3] = rules.relaxMs();
    args[4] = rules.cooldownMs();
    for (int i = 0; i < sessionIds.size(); i++) args[5 + i] = sessionIds.get(i);
    return run(RedisScript.SWEEP_PAIRS, args).map(r -> {
      JsonObject o = json(r);
      return new Sweep(StoreReplies.list(o, "pairs").stream().map(StoreReplies::pairing).toList(),
          o.getLong("removed", 0L), o.getLong("queueLength", 0L));
    });
  }

  @Override
  public Future<Reaped> reapDeadNode(long nodeTtlMs, int batch, long graceMs) {
    return run(RedisScript.REAP_NODE, nodeTtlMs, batch, graceMs).map(r -> {
      JsonObject o = json(r);
      if (!o.containsKey("node")) return null;
      return new Reaped(o.getString("node"), o.getLong("removed", 0L),
          StoreReplies.list(o, "ended").stream().map(StoreReplies::ended).toList(),
          StoreReplies.list(o, "graced").stream().map(StoreReplies::graced).toList());
    });
  }

  @Override
  public Future<Boolean> heartbeat(String node, boolean first) {
    return run(RedisScript.HEARTBEAT, node, first ? "1" : "0").map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<Void> removeNode(String node) {
    return redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.nodes(partition)).arg(node)).recover(RedisCallStore::unavailable).mapEmpty();
  }

  @Override
  public Future<Stats> stats() {
    return run(RedisScript.STATS).map(r -> {
      JsonObject o = json(r);
      return new Stats(o.getLong("online", 0L), o.getLong("waiting", 0L));
    });
  }

  /** Runs one script in this store's partition; trouble in Redis becomes UNAVAILABLE. */
  private Future<Response> run(RedisScript script, Object... args) {
    return script.runOn(redis, keys, args).recover(RedisCallStore::unavailable);
  }

  private static <T> Future<T> unavailable(Throwable err) {
    LOG.warn("call store unavailable: {}", err.toString());
    return Future.failedFuture(new TandemException(ErrorCode.UNAVAILABLE));
  }
}
