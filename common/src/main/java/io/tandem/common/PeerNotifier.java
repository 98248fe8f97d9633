package io.tandem.common;

import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * The one way services tell a user's gateway node about that user's socket: a match (a request:
 * the node answers only while the socket is there and searching), a call that is over (with one of
 * the {@link Reason}s), or a socket replaced by a newer one.
 */
public final class PeerNotifier {
  /** Why a call is over, as sent in {@code peer-disconnected}. */
  public enum Reason {
    /** The peer ended the call (end-call, or a close the person meant). */
    LEFT("left"),
    /** The peer's socket or gateway went away. */
    DISCONNECTED("disconnected"),
    /** The match was undone before it became a call both sides knew (a socket still searching searches on). */
    MATCH_FAILED("match-failed"),
    /** The peer's socket was lost and it did not resume within the grace window. */
    TIMEOUT("timeout");

    /** The wire value. */
    public final String wire;

    Reason(String wire) {
      this.wire = wire;
    }
  }

  private final EventBus bus;

  public PeerNotifier(EventBus bus) {
    this.bus = bus;
  }

  /** Delivers a match to the user's socket; fails when the socket or its gateway is gone, or it refused. */
  public Future<Void> match(UserRef user, MatchInfo info, long timeoutMs) {
    return bus.request(Addresses.gatewayNode(user.node()),
        new Delivery(user.userId(), user.connId(), Delivery.MATCH, info.toJson()).toJson(),
        new DeliveryOptions().setSendTimeout(timeoutMs)).mapEmpty();
  }

  /** Tells a user that the call {@code sessionId} is over (fire and forget; nothing for an unknown socket). */
  public void callOver(UserRef user, String sessionId, Reason reason) {
    tell(user, MessageType.PEER_DISCONNECTED, new JsonObject().put("sessionId", sessionId).put("reason", reason.wire));
  }

  /** Tells a user that its stranger's socket was lost and the call waits {@code graceMs} for it ({@code epoch} orders the notices). */
  public void peerReconnecting(UserRef user, String sessionId, long graceMs, long epoch) {
    tell(user, MessageType.PEER_RECONNECTING, new JsonObject().put("sessionId", sessionId).put("graceMs", graceMs).put("epoch", epoch));
  }

  /** Tells a user that its stranger resumed the call on socket {@code resumed} (where its relays go from now on). */
  public void peerResumed(UserRef user, String sessionId, UserRef resumed, long epoch) {
    tell(user, MessageType.PEER_RESUMED, new JsonObject().put("sessionId", sessionId).put("epoch", epoch)
        .put("peerNode", resumed.node()).put("peerConn", resumed.connId()));
  }

  /** A fire-and-forget notice to one socket; nothing for a user without a known socket (e.g. one in the grace window). */
  private void tell(UserRef user, MessageType type, JsonObject data) {
    if (user == null || user.node().isEmpty() || user.connId().isEmpty()) return;
    bus.send(Addresses.gatewayNode(user.node()), new Delivery(user.userId(), user.connId(), type.wire, data).toJson());
  }

  /** Tells a node to close a socket that a newer one of the same user replaced. */
  public void kick(UserRef replaced) {
    if (replaced == null || replaced.node().isEmpty()) return;
    bus.send(Addresses.gatewayNode(replaced.node()),
        new Delivery(replaced.userId(), replaced.connId(), Delivery.KICK, new JsonObject()).toJson());
  }
}
