package io.tandem.gateway.steps;

import io.tandem.gateway.GatewayMetrics;
import io.tandem.gateway.presence.Presence;
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
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** report and refresh-token (end-call and resume change the call: {@link ActionInterpreter}). */
public final class CallControlFrames {
  private static final Logger LOG = LoggerFactory.getLogger(CallControlFrames.class);

  private final Presence presence;
  private final TokenVerifier verifier;
  private final SafetyConfig safety;
  private final Blocklist blocks;
  private final EventBus bus;

  public CallControlFrames(Presence presence, TokenVerifier verifier, SafetyConfig safety, Blocklist blocks, EventBus bus) {
    this.presence = presence;
    this.verifier = verifier;
    this.safety = safety;
    this.blocks = blocks;
    this.bus = bus;
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
      c.renew(new Identity(now.userId(), now.name(), now.deviceHash(), id.expiresAt(), id.languages()));
      c.send(ServerFrames.of(MessageType.TOKEN_REFRESHED, new JsonObject().put("expiresAt", id.expiresAt())));
      return null;
    });
  }
}
