package io.tandem.gateway.presence;

import io.tandem.gateway.OnCaller;

import io.tandem.gateway.token.Identity;

import io.tandem.common.PeerNotifier;
import io.tandem.common.Reports;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.PartitionStores;
import io.tandem.common.store.Stats;
import java.util.List;
import io.tandem.common.store.EndResult;
import io.tandem.common.store.EndedCall;
import io.tandem.common.store.Graced;
import io.tandem.common.store.Resumed;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * This gateway node's steps in the call store (who is on which node, in which call) and the peer
 * notices that follow them. The store owns the state ({@link CallStore}); this class only says
 * "this node" and tells peers.
 */
public final class Presence {
  private final PartitionStores stores;
  private final PeerNotifier notifier;
  private final Reports reports;
  private final String node;
  private final long graceMs;
  /** Oldest presence counts handed out without asking the store again, ms. */
  public static final long STATS_MAX_AGE_MS = 1000;
  private JsonObject cachedStats;
  private long cachedAt;
  private Future<JsonObject> statsInFlight;

  /** @param graceMs how long a call waits for a user whose socket was lost ({@code RESUME_GRACE_MS}) */
  public Presence(CallStore store, PeerNotifier notifier, Reports reports, String node, long graceMs) {
    this(PartitionStores.single(store), notifier, reports, node, graceMs);
  }

  /**
   * @param stores the call store of each matching partition: a user's steps go to the user's
   *     partition, the node's heartbeat and the presence counts to every partition
   */
  public Presence(PartitionStores stores, PeerNotifier notifier, Reports reports, String node, long graceMs) {
    this.stores = stores;
    this.notifier = notifier;
    this.reports = reports;
    this.node = node;
    this.graceMs = graceMs;
  }

  /** The matching partition of a user (its joins go to that partition's matchmakers). */
  public String partitionOf(String userId) {
    return stores.partitionOf(userId);
  }

  /** The region's overflow partition, or null (one partition: nobody moves). */
  public String overflow() {
    return stores.overflow();
  }

  /** The partition holding one of the user's sessions (the overflow's ids say so; otherwise the user's own). */
  public String partitionOfSession(String userId, String sessionId) {
    return stores.partitionOfSession(sessionId, userId);
  }

  private CallStore store(String userId) {
    return stores.forUser(userId);
  }

  private UserRef me(String userId, String connId) {
    return new UserRef(userId, connId, node);
  }

  /**
   * Registers a new socket; a replaced older socket is kicked and its call's peer told (the call
   * ended, or waits for this socket's resume). The result is the call this socket may resume, or null.
   */
  public Future<String> connect(Identity id, String connId) {
    return store(id.userId()).connect(me(id.userId(), connId), id.name(), id.deviceHash(), graceMs).map(c -> {
      if (c.replaced() != null) notifier.kick(c.replaced());
      tell(c.ended(), PeerNotifier.Reason.DISCONNECTED);
      tellAway(c.graced());
      return c.resumable();
    });
  }

  /**
   * Registers this socket in the region's overflow partition too (before it searches or resumes a
   * call there); an older socket of the user registered there is replaced like at {@link #connect}.
   */
  public Future<Void> enterOverflow(Identity id, String connId) {
    return stores.of(overflow()).connect(me(id.userId(), connId), id.name(), id.deviceHash(), graceMs).map(c -> {
      if (c.replaced() != null) notifier.kick(c.replaced());
      tell(c.ended(), PeerNotifier.Reason.DISCONNECTED);
      tellAway(c.graced());
      return null;
    });
  }

  /** Takes the user out of its own partition's queue; true when it was waiting there (false: a match or a leave came first). */
  public Future<Boolean> takeOutOfQueue(String userId, String connId) {
    return store(userId).leave(me(userId, connId));
  }

  /** Forgets a socket lost without meaning to: its live call waits for a resume (the peer hears peer-reconnecting), or ends. */
  public Future<Void> suspend(String userId, String connId) {
    return suspendIn(partitionOf(userId), userId, connId);
  }

  /** {@link #suspend} in one partition (the user's own, or the overflow it entered). */
  public Future<Void> suspendIn(String partition, String userId, String connId) {
    return stores.of(partition).suspend(me(userId, connId), graceMs).map(lost -> {
      tellAway(lost.graced());
      tell(lost.ended(), PeerNotifier.Reason.DISCONNECTED);
      return null;
    });
  }

  /** resume: the call comes back to this socket (the peer hears peer-resumed); fails SESSION_GONE when it is over. */
  public Future<Resumed> resume(String userId, String connId, String sessionId) {
    UserRef me = me(userId, connId);
    return stores.forSession(sessionId, userId).resume(me, sessionId).map(r -> {
      notifier.peerResumed(r.peer(), r.sessionId(), me, r.epoch());
      return r;
    });
  }

  /** Tells the peer of a call this socket knows that its stranger is reconnecting (when the store could not say it). */
  public void tellPeerAway(MatchInfo m) {
    notifier.peerReconnecting(new UserRef(m.peerId(), m.peerConn(), m.peerNode()), m.sessionId(), graceMs, 0);
  }

  /** Forgets a socket closed on purpose; its call's peer is told. */
  public Future<Void> disconnect(String userId, String connId) {
    return disconnectIn(partitionOf(userId), userId, connId);
  }

  /** {@link #disconnect} in one partition (the user's own, or the overflow it entered). */
  public Future<Void> disconnectIn(String partition, String userId, String connId) {
    return stores.of(partition).disconnect(me(userId, connId)).map(ended -> {
      tell(ended, PeerNotifier.Reason.DISCONNECTED);
      return null;
    });
  }

  /** end-call: ENDED (the peer told), NOT_IN_SESSION or GONE (see {@link CallStore#endCall}). */
  public Future<EndResult.Status> endCall(String userId, String connId, String sessionId) {
    return stores.forSession(sessionId, userId).endCall(me(userId, connId), sessionId).map(r -> {
      if (r.status() == EndResult.Status.ENDED) tell(r.ended(), PeerNotifier.Reason.LEFT);
      return r.status();
    });
  }

  /**
   * A join given up on in {@code partition}: the user leaves its queue and a session the socket never
   * heard of is undone (its peer told, reason {@code match-failed}); the socket's joins there up to
   * {@code fence} are fenced off (0: none). Succeeds whether or not there was either; the result is
   * the undone session's id, or null.
   */
  public Future<String> abandon(String partition, long fence, String userId, String connId) {
    return stores.of(partition).abandon(me(userId, connId), fence).map(ended -> {
      tell(ended, PeerNotifier.Reason.MATCH_FAILED);
      return ended == null ? null : ended.sessionId();
    });
  }

  /**
   * Presence counts {online, waiting}, shared by every socket of the node: read from the store at
   * most once per {@link #STATS_MAX_AGE_MS} (concurrent callers share one read), so a burst of joins
   * costs no store round trip each. Callable from any loop: the cache is guarded by this object's
   * lock, and each caller's future completes on its own context ({@link OnCaller}).
   */
  public Future<JsonObject> stats() {
    long now = System.currentTimeMillis();
    Future<JsonObject> read;
    synchronized (this) {
      if (cachedStats != null && now - cachedAt < STATS_MAX_AGE_MS) return Future.succeededFuture(cachedStats.copy());
      read = statsInFlight;
      if (read == null) {
        Future<JsonObject> started = summedStats();
        read = started;
        statsInFlight = started;
        started.onComplete(ar -> {
          synchronized (Presence.this) {
            if (statsInFlight == started) statsInFlight = null;
            if (ar.succeeded()) {
              cachedStats = ar.result();
              cachedAt = now;
            }
          }
        });
      }
    }
    return OnCaller.view(read).map(JsonObject::copy);
  }

  /**
   * Presence counts summed over the partitions (read periodically through {@link #stats()}, never per
   * join): online from the region's own partitions (a socket in the overflow is registered at home
   * too), waiting from all of them and the overflow.
   */
  private Future<JsonObject> summedStats() {
    List<CallStore> all = stores.all();
    List<CallStore> homes = stores.homes();
    List<Future<Stats>> reads = all.stream().map(CallStore::stats).toList();
    return Future.all(reads).map(done -> {
      long online = 0;
      long waiting = 0;
      for (int i = 0; i < reads.size(); i++) {
        Stats st = reads.get(i).result();
        if (homes.contains(all.get(i))) online += st.online();
        waiting += st.waiting();
      }
      return new Stats(online, waiting).toJson();
    });
  }

  /** This node's heartbeat in every partition; false when the node had been reaped as dead meanwhile in any of them. */
  public Future<Boolean> heartbeat(boolean first) {
    List<Future<Boolean>> beats = stores.all().stream().map(s -> s.heartbeat(node, first)).toList();
    return Future.all(beats).map(all -> beats.stream().allMatch(Future::result));
  }

  /** Removes this node from the live set of every partition (clean stop). */
  public Future<Void> leave() {
    return Future.all(stores.all().stream().map(s -> s.removeNode(node)).toList()).mapEmpty();
  }

  /** A report against the peer's device; true when it blocked the device automatically (see {@link Reports}). */
  public Future<Boolean> report(String sessionId, String reporterDevice, String reportedDevice, String reason) {
    return reports.report(sessionId, reporterDevice, reportedDevice, reason);
  }

  /** Tells the peer of a call this socket knows that the call is over (when the store could not say it). */
  public void tellPeer(MatchInfo m, PeerNotifier.Reason reason) {
    notifier.callOver(new UserRef(m.peerId(), m.peerConn(), m.peerNode()), m.sessionId(), reason);
  }

  private void tellAway(Graced g) {
    if (g != null) notifier.peerReconnecting(g.peer(), g.sessionId(), g.graceMs(), g.epoch());
  }

  private void tell(EndedCall ended, PeerNotifier.Reason reason) {
    if (ended != null) notifier.callOver(ended.peer(), ended.sessionId(), reason);
  }
}
