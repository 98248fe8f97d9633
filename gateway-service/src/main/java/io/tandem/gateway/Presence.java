package io.tandem.gateway;

import io.tandem.common.Addresses;
import io.tandem.common.MessageType;
import io.tandem.common.RedisKeys;
import io.tandem.common.RedisScript;
import io.tandem.common.msg.Delivery;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The gateway's Redis steps (who is on which node, in which call) and the peer notifications that
 * follow them. Each step is one atomic script from {@link RedisScript}.
 */
public final class Presence {
  /** Reports kept in {@link RedisKeys#REPORTS}. */
  public static final int REPORTS_KEPT = 1000;
  /** Reason in peer-disconnected when the peer ended the call. */
  public static final String REASON_LEFT = "left";
  /** Reason in peer-disconnected when a match was undone before it became a call both sides knew. */
  public static final String REASON_MATCH_FAILED = "match-failed";
  /** Reason in peer-disconnected when the peer's socket or gateway went away. */
  public static final String REASON_DISCONNECTED = "disconnected";

  private final Redis redis;
  private final EventBus bus;
  private final String node;

  public Presence(Redis redis, EventBus bus, String node) {
    this.redis = redis;
    this.bus = bus;
    this.node = node;
  }

  /** Registers a new socket; a replaced older socket is kicked and its call's peer told. */
  public Future<Void> connect(Identity id, String connId) {
    return RedisScript.CONNECT.run(redis, id.userId(), node, connId, id.name(), id.deviceHash()).map(r -> {
      if (r != null && r.size() >= 2) {
        bus.send(Addresses.gatewayNode(r.get(0).toString()),
            new Delivery(id.userId(), r.get(1).toString(), Delivery.KICK, new JsonObject()).toJson());
        if (r.size() >= 6) notifyPeer(r, 2, REASON_DISCONNECTED);
      }
      return null;
    });
  }

  /** Forgets a closed socket; its call's peer is told. */
  public Future<Void> disconnect(String userId, String connId) {
    return RedisScript.DISCONNECT.run(redis, userId, connId).map(r -> {
      if (r != null && r.size() >= 4) notifyPeer(r, 0, REASON_DISCONNECTED);
      return null;
    });
  }

  /** end-call: "ended" (peer told), "not-in-session" or "gone". */
  public Future<String> endCall(String userId, String connId, String sessionId) {
    return RedisScript.END_CALL.run(redis, userId, connId, sessionId).map(r -> {
      String status = r.get(0).toString();
      if ("ended".equals(status)) {
        tell(r.get(2).toString(), r.get(1).toString(), r.get(3).toString(), sessionId, REASON_LEFT);
      }
      return status;
    });
  }

  /**
   * A join given up on: the user leaves the queue and a session the socket never heard of is undone
   * (its peer told, reason {@code match-failed}). Succeeds whether or not there was either; the
   * result is the undone session's id, or null.
   */
  public Future<String> abandon(String userId, String connId) {
    return RedisScript.ABANDON.run(redis, userId, connId).map(r -> {
      if (r == null || r.size() < 5 || !"undone".equals(r.get(0).toString())) return null;
      tell(r.get(3).toString(), r.get(2).toString(), r.get(4).toString(), r.get(1).toString(), REASON_MATCH_FAILED);
      return r.get(1).toString();
    });
  }

  /** Presence counts {online, waiting}. */
  public Future<JsonObject> stats() {
    return RedisScript.STATS.run(redis).map(r -> new JsonObject()
        .put("online", r.get(0).toLong()).put("waiting", r.get(1).toLong()));
  }

  /** This node's heartbeat; false when the node had been reaped as dead meanwhile. */
  public Future<Boolean> heartbeat(boolean first) {
    return RedisScript.HEARTBEAT.run(redis, node, first ? "1" : "0").map(r -> r.toInteger() == 1);
  }

  /** Removes this node from the live set (clean stop). */
  public Future<Void> leave() {
    return redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.NODES).arg(node)).mapEmpty();
  }

  /**
   * Records a report against a device and blocks it automatically when enough distinct devices
   * reported it within the window; true when this report triggered the block. The recent-reports
   * list keeps no reporter identity; the per-device window keeps only reporters' keyed hashes.
   */
  public Future<Boolean> report(String sessionId, String reporterDevice, String reportedDevice, String reason,
                                io.tandem.common.SafetyConfig safety) {
    String entry = new JsonObject().put("sessionId", sessionId).put("reportedDevice", reportedDevice)
        .put("reason", reason).put("ts", System.currentTimeMillis()).encode();
    Future<Void> listed = redis.send(Request.cmd(Command.LPUSH).arg(RedisKeys.REPORTS).arg(entry))
        .compose(r -> redis.send(Request.cmd(Command.LTRIM).arg(RedisKeys.REPORTS).arg(0).arg(REPORTS_KEPT - 1))).mapEmpty();
    if (reportedDevice == null || reportedDevice.isEmpty() || reportedDevice.equals(reporterDevice)) return listed.map(false);
    JsonObject block = new JsonObject().put("kind", "device").put("hash", reportedDevice).put("reason", "reports")
        .put("source", "auto").put("expiresAt", System.currentTimeMillis() / 1000 + safety.autoBlockTtlSeconds());
    return listed.compose(v -> RedisScript.REPORT.runOn(redis,
        java.util.List.of(RedisKeys.reportsAgainst(reportedDevice), RedisKeys.blockedDevice(reportedDevice)),
        reporterDevice, safety.reportWindowSeconds() * 1000L, safety.reportThreshold(), safety.autoBlockTtlSeconds(), block.encode()))
        .map(r -> r.get(1).toInteger() == 1);
  }

  /** Tells the peer of a call this socket knows that the call is over (when the store could not say it). */
  public void tellPeer(io.tandem.common.msg.MatchInfo m, String reason) {
    tell(m.peerNode(), m.peerId(), m.peerConn(), m.sessionId(), reason);
  }

  private void notifyPeer(Response r, int at, String reason) {
    tell(r.get(at + 2).toString(), r.get(at + 1).toString(), r.get(at + 3).toString(), r.get(at).toString(), reason);
  }

  private void tell(String peerNode, String peer, String peerConn, String sessionId, String reason) {
    if (peerNode.isEmpty() || peerConn.isEmpty()) return;
    bus.send(Addresses.gatewayNode(peerNode), new Delivery(peer, peerConn, MessageType.PEER_DISCONNECTED.wire,
        new JsonObject().put("sessionId", sessionId).put("reason", reason)).toJson());
  }
}
