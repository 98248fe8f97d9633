package io.tandem.gateway.steps;

import io.tandem.gateway.protocol.Payloads;
import io.tandem.gateway.protocol.ServerFrames;
import io.tandem.gateway.token.Identity;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.tandem.common.msg.ChatRequest;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Signaling (offer, answer, candidate) forwarded straight to the peer's gateway (to the peer's socket
 * loop directly when the peer is on this node), and chat through
 * chat-service. Both only within the socket's current call; payloads are rebuilt from known fields.
 * While the stranger reconnects, signaling is dropped and chat refused ({@code peer-away}).
 */
public final class RelayFrames {
  private final EventBus bus;
  private final DeliveryOptions requests;
  private final String nodeId;
  private final java.util.function.Consumer<Delivery> local;

  /** {@code local} delivers to a socket of this node ({@code nodeId}) without the event bus. */
  public RelayFrames(EventBus bus, DeliveryOptions requests, String nodeId, java.util.function.Consumer<Delivery> local) {
    this.bus = bus;
    this.requests = requests;
    this.nodeId = nodeId;
    this.local = local;
  }

  /** Forwards at once (no store involved, so it never waits behind another step). */
  Future<Void> relay(ClientLink c, JsonObject d, MessageType out, String field, JsonObject payload) {
    MatchInfo m = c.call().current(Payloads.sessionId(d));
    // the stranger is reconnecting: signaling to its lost socket is dropped (an ICE restart follows its resume)
    if (c.call().peerAway()) return Future.succeededFuture();
    JsonObject data = new JsonObject().put("sessionId", m.sessionId()).put("from", c.identity().userId()).put(field, payload);
    Delivery delivery = Delivery.relay(m.peerId(), m.peerConn(), out.wire, data);
    if (nodeId.equals(m.peerNode())) local.accept(delivery);
    else bus.send(Addresses.gatewayNode(m.peerNode()), delivery.toJson());
    return Future.succeededFuture();
  }

  /** A chat message: chat-service cleans it, delivers it to the peer and answers with the sender's copy. */
  Future<Void> chat(ClientLink c, JsonObject d) {
    MatchInfo m = c.call().current(Payloads.sessionId(d));
    if (c.call().peerAway()) throw new TandemException(ErrorCode.PEER_AWAY);
    Identity id = c.identity();
    ChatRequest req = new ChatRequest(m.sessionId(), id.userId(), id.name(), Payloads.chatText(d),
        new UserRef(m.peerId(), m.peerConn(), m.peerNode()));
    return bus.<JsonObject>request(Addresses.CHAT_SEND, req.toJson(), requests).map(msg -> {
      c.send(ServerFrames.of(MessageType.MESSAGE, msg.body()));
      return null;
    });
  }
}
