package io.tandem.common.store;

import io.tandem.common.msg.UserRef;

/**
 * A call taken back by a new socket: this user's {@code role}, and the peer — its socket
 * ({@code peer.connId()} empty while the peer is itself reconnecting), name and keyed device hash.
 * {@code epoch} orders the session's grace and resume notices.
 */
public record Resumed(String sessionId, String role, UserRef peer, String peerName, String peerDevice, long epoch) {
  /** Whether the peer has no socket right now (it is in its own grace window). */
  public boolean peerReconnecting() {
    return peer.connId().isEmpty();
  }
}
