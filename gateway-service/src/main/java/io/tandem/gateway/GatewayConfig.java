package io.tandem.gateway;

import io.tandem.common.Env;
import io.tandem.common.Ids;
import io.tandem.common.Limits;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;

/**
 * gateway-service settings (README, "Configuration").
 *
 * @param port HTTP/WebSocket port ({@code GATEWAY_PORT})
 * @param nodeId this gateway node's id (generated per start)
 * @param issuer expected token issuer ({@code JWT_ISSUER})
 * @param audience expected token audience ({@code JWT_AUDIENCE})
 * @param maxFrameBytes largest frame handled ({@code WS_MAX_FRAME_BYTES})
 * @param iceServers RTCIceServer list given to matched clients ({@code ICE_SERVERS}, JSON)
 * @param heartbeatMs node heartbeat period ({@code NODE_HEARTBEAT_MS})
 * @param busTimeoutMs event-bus request timeout ({@code BUS_TIMEOUT_MS})
 * @param statsIntervalMs presence push period while searching ({@code STATS_INTERVAL_MS})
 * @param serveWebClient serve the web client at {@code /} ({@code SERVE_WEB_CLIENT})
 */
public record GatewayConfig(int port, String nodeId, String issuer, String audience, int maxFrameBytes,
                            JsonArray iceServers, int heartbeatMs, int busTimeoutMs, int statsIntervalMs,
                            boolean serveWebClient) {
  /** Default port: the web origin of the whole system. */
  public static final int DEFAULT_PORT = 8080;

  public static GatewayConfig from(Env env) {
    JsonArray ice;
    try {
      ice = new JsonArray(env.str("ICE_SERVERS", "[]"));
    } catch (DecodeException e) {
      throw new IllegalArgumentException("ICE_SERVERS must be a JSON array of RTCIceServer objects");
    }
    for (Object o : ice) {
      if (!(o instanceof io.vertx.core.json.JsonObject s) || s.getValue("urls") == null) {
        throw new IllegalArgumentException("ICE_SERVERS entries must be objects with \"urls\"");
      }
    }
    return new GatewayConfig(
        env.integer("GATEWAY_PORT", DEFAULT_PORT, 0, 65535),
        Ids.node(),
        env.str("JWT_ISSUER", "tandem-auth"),
        env.str("JWT_AUDIENCE", "tandem"),
        env.integer("WS_MAX_FRAME_BYTES", Limits.WS_MAX_FRAME_BYTES, 1024, 16 * 1024 * 1024),
        ice,
        env.integer("NODE_HEARTBEAT_MS", Limits.NODE_HEARTBEAT_MS, 100, 60_000),
        env.integer("BUS_TIMEOUT_MS", Limits.BUS_TIMEOUT_MS, 100, 60_000),
        env.integer("STATS_INTERVAL_MS", Limits.STATS_INTERVAL_MS, 500, 600_000),
        env.bool("SERVE_WEB_CLIENT", true));
  }
}
