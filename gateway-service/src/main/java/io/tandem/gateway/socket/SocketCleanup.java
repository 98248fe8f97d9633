package io.tandem.gateway.socket;

import io.tandem.gateway.presence.Presence;

import io.tandem.common.PeerNotifier;
import io.tandem.common.Retry;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Forgets a closed socket in the store, retrying while the store does not answer (the steps are
 * idempotent). A socket closed on purpose ends its call; a socket lost without meaning to leaves its
 * call waiting in the grace window for a resume. At the first failure the peer of a live call is
 * told directly (call over, or stranger reconnecting), so it never waits on a store that may run the
 * step late or not at all.
 */
public final class SocketCleanup {
  /** Attempts to forget a closed socket in the store. */
  static final int DISCONNECT_ATTEMPTS = 4;
  /** Pause between those attempts, ms. */
  static final long DISCONNECT_RETRY_MS = 2000;

  private final Vertx vertx;
  private final Presence presence;
  private final BooleanSupplier stopping;

  /** @param stopping true once the node drains (no retries past it) */
  public SocketCleanup(Vertx vertx, Presence presence, BooleanSupplier stopping) {
    this.vertx = vertx;
    this.presence = presence;
    this.stopping = stopping;
  }

  /**
   * @param inCall the call the socket was in when it closed, or null
   * @param lost true when the socket was lost without meaning to (its call may be resumed)
   * @param overflow true when the socket is registered in the region's overflow partition too (it
   *     searched or resumed a call there): forgotten there as well. A socket replaced by the user's
   *     newer one ({@code replaced}) leaves its overflow call waiting for that socket's resume, as
   *     the newer socket's registration did at home.
   */
  Future<Void> disconnect(String userId, String connId, MatchInfo inCall, boolean lost, boolean overflow, boolean replaced) {
    AtomicBoolean peerTold = new AtomicBoolean(inCall == null);
    return Retry.times(vertx, DISCONNECT_ATTEMPTS, DISCONNECT_RETRY_MS, () -> !stopping.getAsBoolean(),
        () -> forget(userId, connId, lost, overflow, replaced).onFailure(err -> {
          if (!peerTold.compareAndSet(false, true)) return;
          if (lost) presence.tellPeerAway(inCall);
          else presence.tellPeer(inCall, PeerNotifier.Reason.DISCONNECTED);
        }));
  }

  private Future<Void> forget(String userId, String connId, boolean lost, boolean overflow, boolean replaced) {
    Future<Void> home = lost ? presence.suspend(userId, connId) : presence.disconnect(userId, connId);
    if (!overflow) return home;
    String o = presence.overflow();
    Future<Void> there = lost || replaced ? presence.suspendIn(o, userId, connId) : presence.disconnectIn(o, userId, connId);
    return Future.all(home, there).mapEmpty();
  }
}
