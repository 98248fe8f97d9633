package io.tandem.common.store;

import io.tandem.common.ErrorCode;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.tandem.common.msg.UserRef;
import io.tandem.common.msg.Wishes;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@link CallStore} in memory, for unit tests and single-process tools: each method is the Java
 * translation of its Lua script (same names, same order of steps) and runs as one atomic step
 * under one lock, so it answers exactly as {@link RedisCallStore} does ({@code CallStoreContract}
 * runs the same cases against both). Answers are completed futures; it is never unavailable.
 * Open for subclassing so a test can count or fail calls.
 */
public class MemoryCallStore implements CallStore {
  private final MemoryState s;
  private final MemoryMatching m;

  /** A store on the wall clock. */
  public MemoryCallStore() {
    this(System::currentTimeMillis);
  }

  /** A store on the given clock (epoch ms), e.g. a test's. */
  public MemoryCallStore(LongSupplier clock) {
    this.s = new MemoryState(clock);
    this.m = new MemoryMatching(s);
  }

  /** Runs one atomic step; a refusal or a bug becomes a failed future, never a throw. */
  private <T> Future<T> step(Supplier<T> body) {
    synchronized (s) {
      try {
        return Future.succeededFuture(body.get());
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
  }

  /** Reads the state under the lock (the contract test's view of what a step left behind). */
  <T> T inspect(java.util.function.Function<MemoryState, T> read) {
    synchronized (s) {
      return read.apply(s);
    }
  }

  @Override
  public Future<Connected> connect(UserRef user, String name, String deviceHash, long graceMs) {
    return step(() -> {
      String uid = user.userId();
      MemoryUser prev = s.users.get(uid);
      UserRef replaced = null;
      EndedCall ended = null;
      Graced graced = null;
      if (prev != null && prev.conn != null) {
        replaced = new UserRef(uid, prev.conn, MemoryState.orEmpty(prev.node));
        s.dequeue(uid, null);
        graced = s.toGrace(uid, graceMs, s.now());
        if (graced == null) ended = s.removeUser(uid);
      }
      MemoryUser u = s.users.computeIfAbsent(uid, k -> new MemoryUser());
      u.node = user.node();
      u.conn = user.connId();
      u.name = name;
      u.dev = deviceHash;
      s.online.add(uid);
      s.nodeUsersOf(user.node()).add(uid);
      String resumable = u.session != null && u.graceUntil != null ? u.session : null;
      return new Connected(replaced, ended, graced, resumable);
    });
  }

  @Override
  public Future<EndedCall> disconnect(UserRef user) {
    return step(() -> s.registered(user) == null ? null : s.removeUser(user.userId()));
  }

  @Override
  public Future<Lost> suspend(UserRef user, long graceMs) {
    return step(() -> {
      if (s.registered(user) == null) return new Lost(null, null);
      Graced g = s.toGrace(user.userId(), graceMs, s.now());
      return g != null ? new Lost(g, null) : new Lost(null, s.removeUser(user.userId()));
    });
  }

  @Override
  public Future<Resumed> resume(UserRef user, String sessionId) {
    return step(() -> {
      String uid = user.userId();
      MemoryUser u = s.registered(user);
      if (u == null) throw new TandemException(ErrorCode.GONE);
      String peer = sessionId.equals(u.session) ? s.peerOf(sessionId, uid) : null;
      if (peer == null) {
        if (sessionId.equals(u.session)) {
          u.session = null;
          u.graceUntil = null;
          s.grace.remove(uid);
        }
        throw new TandemException(ErrorCode.SESSION_GONE);
      }
      u.graceUntil = null;
      s.grace.remove(uid);
      MemorySession session = s.session(sessionId);
      long epoch = ++session.epoch;
      MemoryUser p = s.users.get(peer);
      String role = uid.equals(session.caller) ? "caller" : "callee";
      return new Resumed(sessionId, role, s.ref(peer), p == null ? "" : MemoryState.orEmpty(p.name),
          p == null ? "" : MemoryState.orEmpty(p.dev), epoch);
    });
  }

  @Override
  public Future<List<EndedCall>> expireGrace(long nodeTtlMs, int batch) {
    return step(() -> {
      long now = s.now();
      List<EndedCall> out = new ArrayList<>();
      if (s.stalled(now, nodeTtlMs)) return out;
      for (String uid : s.grace.upTo(now, batch)) {
        s.grace.remove(uid);
        MemoryUser u = s.users.get(uid);
        if (u == null || u.graceUntil == null || u.graceUntil > now) continue;
        EndedCall r = null;
        if (u.conn == null) {
          r = s.removeUser(uid);
        } else {
          u.graceUntil = null;
          String sid = u.session;
          UserRef peer = sid == null ? null : s.endSession(sid, uid, false);
          if (peer != null) r = new EndedCall(sid, peer);
        }
        if (r != null) out.add(r);
      }
      return out;
    });
  }

  @Override
  public Future<JoinOutcome> join(UserRef user, Wishes wishes, MatchRules rules, long fence) {
    String sid = newSessionId();
    return step(() -> {
      MemoryUser u = s.registered(user);
      if (fence > 0 && u != null && fence <= u.fence) throw new TandemException(ErrorCode.GONE);
      return new MemoryJoin(s, m, rules).join(user, wishes, sid);
    });
  }

  @Override
  public Future<Boolean> leave(UserRef user, long fence) {
    return step(() -> {
      MemoryUser u = s.registered(user);
      if (u == null) return false;
      u.fence = Math.max(u.fence, fence);
      boolean waiting = u.seq != null;
      s.dequeue(user.userId(), null);
      return waiting;
    });
  }

  @Override
  public Future<EndResult> endCall(UserRef user, String sessionId) {
    return step(() -> {
      MemoryUser u = s.registered(user);
      if (u == null) return new EndResult(EndResult.Status.GONE, null);
      if (!sessionId.equals(u.session)) return new EndResult(EndResult.Status.NOT_IN_SESSION, null);
      UserRef peer = s.endSession(sessionId, user.userId(), false);
      if (peer == null) {
        u.session = null;
        return new EndResult(EndResult.Status.NOT_IN_SESSION, null);
      }
      return new EndResult(EndResult.Status.ENDED, new EndedCall(sessionId, peer));
    });
  }

  @Override
  public Future<EndedCall> abandon(UserRef user, long fence) {
    return step(() -> {
      MemoryUser u = s.registered(user);
      if (u == null) return null;
      u.fence = Math.max(u.fence, fence);
      s.dequeue(user.userId(), null);
      String sid = u.session;
      if (sid == null) return null;
      UserRef peer = s.endSession(sid, user.userId(), true);
      u.session = null;
      return peer == null ? null : new EndedCall(sid, peer);
    });
  }

  @Override
  public Future<Void> confirmAll(List<String> sessionIds) {
    Future<Void> refused = StoreChecks.refuseOversizedBatch(sessionIds);
    if (refused != null) return refused;
    return step(() -> {
      sessionIds.forEach(s.pending::remove);
      return null;
    });
  }

  @Override
  public Future<Undone> abort(String sessionId) {
    return step(() -> new Undone(sessionId, s.undoSession(sessionId)));
  }

  @Override
  public Future<List<Undone>> expirePending(long confirmMs, int batch) {
    return step(() -> {
      List<Undone> out = new ArrayList<>();
      for (String sid : s.pending.upTo(s.now() - confirmMs, batch)) {
        List<UserRef> told = s.undoSession(sid);
        if (told.size() == 2) out.add(new Undone(sid, told));
      }
      return out;
    });
  }

  @Override
  public Future<Sweep> sweepPairs(MatchRules rules, List<String> sessionIds) {
    return step(() -> new MemoryJoin(s, m, rules).sweep(sessionIds));
  }

  @Override
  public Future<Reaped> reapDeadNode(long nodeTtlMs, int batch, long graceMs) {
    return step(() -> new MemoryReaper(s).reap(nodeTtlMs, batch, graceMs));
  }

  @Override
  public Future<Boolean> heartbeat(String node, boolean first) {
    return step(() -> !(s.nodes.add(node, s.now()) && !first));
  }

  @Override
  public Future<Void> removeNode(String node) {
    return step(() -> {
      s.nodes.remove(node);
      return null;
    });
  }

  @Override
  public Future<Stats> stats() {
    return step(() -> new Stats(s.online.size(), s.queue.size()));
  }
}
