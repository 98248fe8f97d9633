package io.tandem.gateway.node;

import io.tandem.gateway.socket.Registry;

import io.tandem.gateway.GatewayMetrics;
import io.tandem.gateway.call.CallAction;
import io.tandem.gateway.call.CallState;
import io.tandem.gateway.protocol.ServerFrames;
import io.tandem.gateway.protocol.CloseCodes;
import io.tandem.gateway.socket.Connection;
import io.tandem.gateway.steps.ActionInterpreter;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.PeerNotifier;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What other nodes and services send to this node's sockets: matches, relayed frames, peer-gone
 * notices and kicks (on the node's address), and blocks (published to every gateway).
 */
public final class DeliveryRouter {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryRouter.class);
  /** Delivery types written to a socket (only within its call, or kept until its match). */
  private static final Set<String> RELAYED = Set.of(MessageType.OFFER.wire, MessageType.ANSWER.wire,
      MessageType.CANDIDATE.wire, MessageType.MESSAGE.wire, MessageType.PEER_DISCONNECTED.wire,
      MessageType.PEER_RECONNECTING.wire, MessageType.PEER_RESUMED.wire);

  private final Registry registry;
  private final ActionInterpreter actions;
  private final MessageConsumer<JsonObject> deliveries;
  private final MessageConsumer<JsonObject> blocked;

  public DeliveryRouter(EventBus bus, String nodeId, Registry registry, ActionInterpreter actions) {
    this.registry = registry;
    this.actions = actions;
    this.deliveries = bus.consumer(Addresses.gatewayNode(nodeId), this::onDelivery);
    this.blocked = bus.consumer(Addresses.SAFETY_BLOCKED, this::onBlocked);
  }

  /** Completes once both consumers are registered in the cluster. */
  public Future<Void> ready() {
    return deliveries.completion().compose(v -> blocked.completion());
  }

  public Future<Void> stop() {
    return deliveries.unregister().transform(ar -> blocked.unregister());
  }

  /**
   * Runs on the node's context; everything that touches the socket runs on the socket's own loop
   * ({@link Connection#onLoop}), including the match's reply, which is decided there.
   */
  private void onDelivery(Message<JsonObject> msg) {
    Delivery d;
    try {
      d = Delivery.fromJson(msg.body());
    } catch (RuntimeException e) {
      Failures.reply(msg, e);
      return;
    }
    Connection c = registry.get(d.userId(), d.connId());
    switch (d.type()) {
      case Delivery.MATCH -> {
        MatchInfo m;
        try {
          m = MatchInfo.fromJson(d.data());
        } catch (RuntimeException e) {
          Failures.reply(msg, e);
          return;
        }
        if (c == null) {
          Failures.reply(msg, new TandemException(ErrorCode.GONE));
          return;
        }
        c.onLoop(() -> actions.run(c, c.call().matchDelivered(m, System.currentTimeMillis())).onComplete(ar -> {
          if (ar.succeeded()) msg.reply(new JsonObject());
          else Failures.reply(msg, ar.cause());
        }));
      }
      case Delivery.KICK -> {
        if (c != null) c.onLoop(() -> c.close(CloseCodes.REPLACED, "replaced by a newer connection"));
      }
      default -> relayTo(c, d);
    }
  }

  /**
   * A relayed frame from a socket of this same node (its peer is here too): handed straight to the
   * peer socket's loop, without the event bus and its copy of the message. Any thread.
   */
  public void deliverLocal(Delivery d) {
    relayTo(registry.get(d.userId(), d.connId()), d);
  }

  private void relayTo(Connection c, Delivery d) {
    if (c != null && RELAYED.contains(d.type())) {
      long sentAt = d.sentAt();
      c.onLoop(() -> {
        relay(c, d.type(), d.data());
        if (sentAt > 0) GatewayMetrics.relayed(sentAt);
      });
    }
  }

  /** A relayed frame or a peer-gone notice for one socket (on the socket's loop): the call decides, the interpreter acts. */
  private void relay(Connection c, String type, JsonObject data) {
    String sid = data.getString("sessionId");
    actions.run(c, decide(c.call(), type, sid, data)).onFailure(err -> LOG.debug("delivery failed user={}: {}", c.identity().userId(), err.toString()));
  }

  private static List<CallAction> decide(CallState call, String type, String sid, JsonObject data) {
    if (MessageType.PEER_RECONNECTING.wire.equals(type)) {
      long grace = data.getValue("graceMs") instanceof Number n ? n.longValue() : 0;
      return call.peerReconnecting(sid, epoch(data), ServerFrames.of(type, new JsonObject().put("sessionId", sid).put("graceMs", grace)));
    }
    if (MessageType.PEER_RESUMED.wire.equals(type)) {
      String node = data.getString("peerNode", "");
      String conn = data.getString("peerConn", "");
      if (node.isEmpty() || conn.isEmpty()) return List.of();
      return call.peerResumed(sid, epoch(data), node, conn, ServerFrames.of(type, new JsonObject().put("sessionId", sid)));
    }
    String frame = ServerFrames.of(type, data);
    if (!MessageType.PEER_DISCONNECTED.wire.equals(type)) return call.relayDelivered(sid, frame, System.currentTimeMillis());
    return call.peerDisconnected(sid, PeerNotifier.Reason.MATCH_FAILED.wire.equals(data.getString("reason")), frame);
  }

  /** The grace/resume order of a notice (0: a direct notice from a gateway that could not reach the store). */
  private static long epoch(JsonObject data) {
    return data.getValue("epoch") instanceof Number n ? n.longValue() : 0;
  }

  /** A device or network was blocked somewhere: close its sockets on this node (each on its own loop). */
  private void onBlocked(Message<JsonObject> msg) {
    String device = msg.body().getString("device");
    String ip = msg.body().getString("ip");
    List<Connection> hit = new ArrayList<>();
    for (Connection c : registry.all()) {
      // the device hash never changes on a socket (a refreshed token must be the same user) and the network is fixed
      if ((device != null && device.equals(c.identity().deviceHash())) || (ip != null && ip.equals(c.ipHash()))) hit.add(c);
    }
    Connection.onTheirLoops(hit, c -> {
      LOG.info("closing blocked socket user={} conn={}", c.identity().userId(), c.connId());
      c.close(CloseCodes.POLICY, "blocked");
    });
  }
}
