package io.tandem.gateway.protocol;

import io.tandem.common.MessageType;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Builds the {@code matched} and {@code resumed} frames: the peer as the client may see it, and ICE servers with this
 * user's TURN credentials (which a waiting user also gets in {@code queued}, to make its offer before the match).
 */
public final class MatchedFrame {
  private final JsonArray iceServers;
  private final TurnCredentials turn;

  /** @param turn TURN credentials, or null when none are configured */
  public MatchedFrame(JsonArray iceServers, TurnCredentials turn) {
    this.iceServers = iceServers;
    this.turn = turn;
  }

  public String encode(String userId, MatchInfo m, long nowMillis) {
    JsonObject body = body(userId, m, nowMillis).put("commonInterests", new JsonArray(List.copyOf(m.commonInterests())));
    if (!m.commonLanguage().isEmpty()) body.put("commonLanguage", m.commonLanguage());
    return ServerFrames.of(MessageType.MATCHED, body);
  }

  /** The {@code resumed} frame: the same call, its stranger, fresh ICE servers, and whether the stranger is itself reconnecting. */
  public String encodeResumed(String userId, MatchInfo m, boolean peerReconnecting, long nowMillis) {
    return ServerFrames.of(MessageType.RESUMED, body(userId, m, nowMillis).put("peerReconnecting", peerReconnecting));
  }

  /** The configured ICE servers, with this user's TURN credentials when TURN is configured (also sent in {@code queued}). */
  public JsonArray iceServers(String userId, long nowMillis) {
    JsonArray ice = iceServers.copy();
    if (turn != null) ice.add(turn.forUser(userId, nowMillis / 1000));
    return ice;
  }

  private JsonObject body(String userId, MatchInfo m, long nowMillis) {
    return new JsonObject().put("sessionId", m.sessionId()).put("peerId", m.peerId()).put("role", m.role())
        .put("peer", new JsonObject().put("name", m.peerName())).put("iceServers", iceServers(userId, nowMillis));
  }
}
