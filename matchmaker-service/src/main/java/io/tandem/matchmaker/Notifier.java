package io.tandem.matchmaker;

import io.tandem.common.Addresses;
import io.tandem.common.MessageType;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Tells gateway nodes about matches and ended calls. */
public final class Notifier {
  /** Reason sent to a survivor whose peer vanished. */
  public static final String REASON_DISCONNECTED = "disconnected";
  /** Reason sent when a match was undone before it became a call both sides knew (the side still searching searches on). */
  public static final String REASON_MATCH_FAILED = "match-failed";

  private final EventBus bus;
  private final DeliveryOptions options;

  public Notifier(EventBus bus, int timeoutMs) {
    this.bus = bus;
    this.options = new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  /** Delivers a match to the user's socket; fails when the socket or its gateway is gone. */
  public Future<Void> match(UserRef user, MatchInfo info) {
    return bus.request(Addresses.gatewayNode(user.node()),
        new Delivery(user.userId(), user.connId(), Delivery.MATCH, info.toJson()).toJson(), options).mapEmpty();
  }

  /** Tells a user their peer is gone (fire and forget). */
  public void peerGone(UserRef user, String sessionId) {
    peerGone(user, sessionId, REASON_DISCONNECTED);
  }

  /** Tells a user their peer is gone, with a reason (fire and forget). */
  public void peerGone(UserRef user, String sessionId, String reason) {
    if (user.node().isEmpty() || user.connId().isEmpty()) return;
    bus.send(Addresses.gatewayNode(user.node()), new Delivery(user.userId(), user.connId(), MessageType.PEER_DISCONNECTED.wire,
        new JsonObject().put("sessionId", sessionId).put("reason", reason)).toJson());
  }
}
