package io.tandem.gateway.steps;

import io.tandem.gateway.GatewayMetrics;
import io.tandem.gateway.node.Presence;
import io.tandem.gateway.protocol.MatchedFrame;
import io.tandem.gateway.protocol.ServerFrames;
import io.tandem.gateway.token.Identity;
import io.tandem.gateway.token.TokenVerifier;

import io.tandem.common.Addresses;
import io.tandem.common.Blocklist;
import io.tandem.common.ErrorCode;
import io.tandem.common.MessageType;
import io.tandem.common.RedisKeys;
import io.tandem.common.SafetyConfig;
import io.tandem.common.TandemException;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.tandem.common.PeerNotifier;
import io.tandem.common.store.EndResult;
import io.tandem.common.store.Resumed;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** end-call, report and refresh-token. */
public final class CallControlFrames {
  private static final Logger LOG = LoggerFactory.getLogger(CallControlFrames.class);

  private final Presence presence;
  private final TokenVerifier verifier;
  private final SafetyConfig safety;
  private final Blocklist blocks;
  private final EventBus bus;
  private final MatchedFrame frames;

  public CallControlFrames(Presence presence, TokenVerifier verifier, SafetyConfig safety, Blocklist blocks, EventBus bus,
                    MatchedFrame frames) {
    this.frames = frames;
    this.presence = presence;
    this.verifier = verifier;
    this.safety = safety;
    this.blocks = blocks;
    this.bus = bus;
  }

  /**
   * end-call. When the store no longer has the session although this socket does (an earlier
   * end-call timed out and ran late, or the session expired), nobody told the peer: do it here.
   */
  Future<Void> endCall(ClientLink c, String sessionId) {
    MatchInfo m = c.call().current(sessionId);
    return presence.endCall(c.identity().userId(), c.connId(), sessionId).map(status -> {
      if (c.call().endedByUser(status == EndResult.Status.ENDED)) presence.tellPeer(m, PeerNotifier.Reason.LEFT);
      c.send(ServerFrames.of(MessageType.CALL_ENDED, new JsonObject().put("sessionId", sessionId)));
      return null;
    });
  }

  /**
   * resume: the call kept from the user's lost socket continues on this one. The peer hears
   * {@code peer-resumed} (and where to send from now on); the client gets {@code resumed}, or
   * {@code session-gone} when the call is over (then it searches again). A socket that closed
   * before the store answered leaves the call in grace again (its cleanup suspends it).
   */
  Future<Void> resume(ClientLink c, String sessionId) {
    c.call().checkResume();
    String user = c.identity().userId();
    return presence.resume(user, c.connId(), sessionId).transform(ar -> {
      if (ar.failed()) {
        c.call().resumeRefused();
        return Future.failedFuture(ar.cause());
      }
      Resumed r = ar.result();
      MatchInfo m = new MatchInfo(r.sessionId(), r.peer().userId(), r.role(), r.peerName(), r.peer().node(),
          r.peer().connId(), List.of(), r.peerDevice());
      if (c.call().resumed(m, r.peerReconnecting(), r.epoch())) {
        c.send(frames.encodeResumed(user, m, r.peerReconnecting(), System.currentTimeMillis()));
        LOG.debug("resumed user={} session={} role={}", user, r.sessionId(), r.role());
        GatewayMetrics.resumed();
      }
      return Future.succeededFuture();
    });
  }

  /** report: the current or last stranger only; enough reports from distinct devices block it. */
  Future<Void> report(ClientLink c, String sessionId, String reason) {
    String reported = c.call().reportTarget(sessionId);
    return presence.report(sessionId, c.identity().deviceHash(), reported, reason).map(blockedNow -> {
      LOG.info("report session={} reason={}", sessionId, reason);
      GatewayMetrics.report();
      if (blockedNow) {
        LOG.info("device blocked automatically after reports session={}", sessionId);
        blocks.index(RedisKeys.blockedDevice(reported), System.currentTimeMillis() / 1000 + safety.autoBlockTtlSeconds(), "auto");
        bus.publish(Addresses.SAFETY_BLOCKED, new JsonObject().put("device", reported));
      }
      c.send(ServerFrames.of(MessageType.REPORTED, new JsonObject().put("sessionId", sessionId)));
      return null;
    });
  }

  /** refresh-token: a valid token of the same user moves the socket's expiry. */
  Future<Void> refreshToken(ClientLink c, String token) {
    return verifier.verify(token).map(id -> {
      Identity now = c.identity();
      if (!id.userId().equals(now.userId())) {
        throw new TandemException(ErrorCode.UNAUTHORIZED, "The token belongs to another user");
      }
      c.renew(new Identity(now.userId(), now.name(), now.deviceHash(), id.expiresAt()));
      c.send(ServerFrames.of(MessageType.TOKEN_REFRESHED, new JsonObject().put("expiresAt", id.expiresAt())));
      return null;
    });
  }
}
