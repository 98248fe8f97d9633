package io.tandem.gateway;

import io.tandem.gateway.http.HandshakeGate;
import io.tandem.gateway.protocol.TurnCredentials;

import io.tandem.common.Env;
import io.tandem.common.Ids;
import io.tandem.common.Limits;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/**
 * gateway-service settings (README, "Configuration"; docs/safety.md for the safety ones).
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
 * @param allowedOrigins browser origins allowed to open sockets ({@code ALLOWED_ORIGINS}); empty = the served origin only
 * @param turn TURN credentials ({@code TURN_SECRET}, {@code TURN_URLS}, {@code TURN_TTL_SECONDS}), or null
 * @param pingIntervalMs WebSocket ping period ({@code WS_PING_INTERVAL_MS})
 * @param idleTimeoutSeconds a socket silent this long (no frame, no pong) is closed ({@code WS_IDLE_TIMEOUT_SECONDS})
 * @param handshakesPerMinute WebSocket handshakes per minute per network ({@code WS_HANDSHAKES_PER_MINUTE})
 * @param handshakesInFlight handshakes a node works on at once, until their sockets are registered; more are answered 503
 *     ({@code WS_HANDSHAKES_IN_FLIGHT})
 * @param resumeGraceMs how long a call waits for a user whose socket was lost to resume it ({@code RESUME_GRACE_MS})
 * @param eventLoops socket servers, one per event loop, sharing the port ({@code GATEWAY_EVENT_LOOPS})
 * @param overflowAfterMs a search still waiting alone in the user's own partition this long moves to the region's
 *     overflow partition, when {@code MATCH_PARTITIONS} &gt; 1 ({@code OVERFLOW_AFTER_MS}, default {@code RELAX_MS} +
 *     {@link Limits#OVERFLOW_MARGIN_MS}; docs/scaling.md, "The overflow")
 */
public record GatewayConfig(int port, String nodeId, String issuer, String audience, int maxFrameBytes,
                            JsonArray iceServers, int heartbeatMs, int busTimeoutMs, int statsIntervalMs,
                            boolean serveWebClient, List<String> allowedOrigins, TurnCredentials turn,
                            int pingIntervalMs, int idleTimeoutSeconds, int handshakesPerMinute,
                            int handshakesInFlight, int resumeGraceMs, int eventLoops, int overflowAfterMs) {
  /** Default port: the web origin of the whole system. */
  public static final int DEFAULT_PORT = 8080;
  /** Default TURN credential lifetime: 1 hour. */
  public static final int TURN_TTL_SECONDS = 3600;
  /** Default ping period. */
  public static final int PING_INTERVAL_MS = 20_000;
  /** Default idle timeout (three missed pings). */
  public static final int IDLE_TIMEOUT_SECONDS = 60;
  /**
   * Default handshake rate per network (a page reload is one): sized for a shared address, about
   * 2,000 users behind one IPv4 reconnecting every few minutes (docs/production.md, "Limits").
   */
  public static final int HANDSHAKES_PER_MINUTE = 3000;
  /**
   * Most socket servers: Vert.x's event-loop pool (2 × cores by default, the pool every
   * service here runs with); more instances than loops would only share loops.
   */
  public static final int MAX_EVENT_LOOPS = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  /**
   * Default socket servers: one per core. Socket work is CPU-bound on its loop, so loops
   * beyond the cores only time-slice the same cores and add thread hand-offs for deliveries; the
   * other half of the pool stays free for the event bus, Redis connections and the node's timers.
   */
  public static final int DEFAULT_EVENT_LOOPS = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), MAX_EVENT_LOOPS));

  public static GatewayConfig from(Env env) {
    JsonArray ice = jsonArray(env, "ICE_SERVERS", "[]");
    for (Object o : ice) {
      if (!(o instanceof JsonObject s) || s.getValue("urls") == null) {
        throw new IllegalArgumentException("ICE_SERVERS entries must be objects with \"urls\"");
      }
    }
    String turnSecret = env.raw("TURN_SECRET");
    JsonArray turnUrls = jsonOrList(env.raw("TURN_URLS"));
    if ((turnSecret == null) != turnUrls.isEmpty()) {
      throw new IllegalArgumentException("TURN_SECRET and TURN_URLS must be set together");
    }
    TurnCredentials turn = turnSecret == null ? null
        : new TurnCredentials(turnSecret, turnUrls, env.integer("TURN_TTL_SECONDS", TURN_TTL_SECONDS, 60, 7 * 24 * 3600));
    String origins = env.str("ALLOWED_ORIGINS", "");
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
        env.bool("SERVE_WEB_CLIENT", true),
        Arrays.stream(origins.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList(),
        turn,
        env.integer("WS_PING_INTERVAL_MS", PING_INTERVAL_MS, 100, 600_000),
        env.integer("WS_IDLE_TIMEOUT_SECONDS", IDLE_TIMEOUT_SECONDS, 1, 3600),
        env.integer("WS_HANDSHAKES_PER_MINUTE", HANDSHAKES_PER_MINUTE, 1, 1_000_000),
        env.integer("WS_HANDSHAKES_IN_FLIGHT", HandshakeGate.DEFAULT_IN_FLIGHT, 1, 100_000),
        env.integer("RESUME_GRACE_MS", Limits.RESUME_GRACE_MS, 0, Limits.RESUME_GRACE_MAX_MS),
        env.integer("GATEWAY_EVENT_LOOPS", DEFAULT_EVENT_LOOPS, 1, MAX_EVENT_LOOPS),
        env.integer("OVERFLOW_AFTER_MS", env.integer("RELAX_MS", Limits.RELAX_MS, 0, 600_000) + Limits.OVERFLOW_MARGIN_MS, 100, 600_000));
  }

  private static JsonArray jsonArray(Env env, String name, String def) {
    try {
      return new JsonArray(env.str(name, def));
    } catch (DecodeException e) {
      throw new IllegalArgumentException(name + " must be a JSON array");
    }
  }

  /** A JSON array, or a comma-separated list, or empty. */
  private static JsonArray jsonOrList(String v) {
    if (v == null) return new JsonArray();
    if (v.startsWith("[")) {
      try {
        return new JsonArray(v);
      } catch (DecodeException e) {
        throw new IllegalArgumentException("TURN_URLS must be a JSON array or a comma-separated list");
      }
    }
    JsonArray a = new JsonArray();
    Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(a::add);
    return a;
  }
}
