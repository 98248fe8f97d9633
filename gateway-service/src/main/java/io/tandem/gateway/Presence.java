package io.tandem.gateway;

import io.tandem.common.PeerNotifier;
import io.tandem.common.Reports;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.EndResult;
import io.tandem.common.store.EndedCall;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * This gateway node's steps in the call store (who is on which node, in which call) and the peer
 * notices that follow them. The store owns the state ({@link CallStore}); this class only says
 * "this node" and tells peers.
 */
public final class Presence {
  private final CallStore store;
  private final PeerNotifier notifier;
  private final Reports reports;
  private final String node;

  public Presence(CallStore store, PeerNotifier notifier, Reports reports, String node) {
    this.store = store;
    this.notifier = notifier;
    this.reports = reports;
    this.node = node;
  }

  private UserRef me(String userId, String connId) {
    return new UserRef(userId, connId, node);
  }

  /** Registers a new socket; a replaced older socket is kicked and its call's peer told. */
  public Future<Void> connect(Identity id, String connId) {
    return store.connect(me(id.userId(), connId), id.name(), id.deviceHash()).map(c -> {
      if (c.replaced() != null) notifier.kick(c.replaced());
      tell(c.ended(), PeerNotifier.Reason.DISCONNECTED);
      return null;
    });
  }

  /** Forgets a closed socket; its call's peer is told. */
  public Future<Void> disconnect(String userId, String connId) {
    return store.disconnect(me(userId, connId)).map(ended -> {
      tell(ended, PeerNotifier.Reason.DISCONNECTED);
      return null;
    });
  }

  /** end-call: ENDED (the peer told), NOT_IN_SESSION or GONE (see {@link CallStore#endCall}). */
  public Future<EndResult.Status> endCall(String userId, String connId, String sessionId) {
    return store.endCall(me(userId, connId), sessionId).map(r -> {
      if (r.status() == EndResult.Status.ENDED) tell(r.ended(), PeerNotifier.Reason.LEFT);
      return r.status();
    });
  }

  /**
   * A join given up on: the user leaves the queue and a session the socket never heard of is undone
   * (its peer told, reason {@code match-failed}). Succeeds whether or not there was either; the
   * result is the undone session's id, or null.
   */
  public Future<String> abandon(String userId, String connId) {
    return store.abandon(me(userId, connId)).map(ended -> {
      tell(ended, PeerNotifier.Reason.MATCH_FAILED);
      return ended == null ? null : ended.sessionId();
    });
  }

  /** Presence counts {online, waiting}. */
  public Future<JsonObject> stats() {
    return store.stats().map(io.tandem.common.store.Stats::toJson);
  }

  /** This node's heartbeat; false when the node had been reaped as dead meanwhile. */
  public Future<Boolean> heartbeat(boolean first) {
    return store.heartbeat(node, first);
  }

  /** Removes this node from the live set (clean stop). */
  public Future<Void> leave() {
    return store.removeNode(node);
  }

  /** A report against the peer's device; true when it blocked the device automatically (see {@link Reports}). */
  public Future<Boolean> report(String sessionId, String reporterDevice, String reportedDevice, String reason) {
    return reports.report(sessionId, reporterDevice, reportedDevice, reason);
  }

  /** Tells the peer of a call this socket knows that the call is over (when the store could not say it). */
  public void tellPeer(MatchInfo m, PeerNotifier.Reason reason) {
    notifier.callOver(new UserRef(m.peerId(), m.peerConn(), m.peerNode()), m.sessionId(), reason);
  }

  private void tell(EndedCall ended, PeerNotifier.Reason reason) {
    if (ended != null) notifier.callOver(ended.peer(), ended.sessionId(), reason);
  }
}
