package io.tandem.gateway;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.Health;
import io.tandem.common.Blocklist;
import io.tandem.common.ClientAddress;
import io.tandem.common.Hashing;
import io.tandem.common.RateLimiter;
import io.tandem.common.SafetyConfig;
import io.tandem.common.Ids;
import io.tandem.common.Limits;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: the {@code /signaling} WebSocket (token checked before the upgrade), this
 * node's delivery address, its heartbeat in Redis, and presence pushes to searching sockets.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Path of the signaling WebSocket. */
  public static final String SIGNALING_PATH = "/signaling";

  private final GatewayConfig config;
  private final SafetyConfig safety;
  private final Redis redis;
  private final Hashing hashing;
  private final Map<String, Admission> handshakes = new ConcurrentHashMap<>();
  private RateLimiter handshakeLimiter;
  private MessageConsumer<JsonObject> blockedConsumer;
  private long pingTimer = -1;
  private Gateway gw;
  private HttpServer server;
  private MessageConsumer<JsonObject> deliveries;
  private long heartbeatTimer = -1;
  private long statsTimer = -1;
  private volatile boolean draining;

  public GatewayVerticle(GatewayConfig config, SafetyConfig safety, Redis redis, Hashing hashing) {
    this.config = config;
    this.safety = safety;
    this.redis = redis;
    this.hashing = hashing;
  }

  /** A socket that passed the handshake: who, and from which network (keyed hash). */
  record Admission(Identity identity, String ipHash) {}

  @Override
  public Future<?> start() {
    Presence presence = new Presence(new io.tandem.common.store.RedisCallStore(redis), new io.tandem.common.PeerNotifier(vertx.eventBus()),
        new io.tandem.common.Reports(redis, safety), config.nodeId());
    TokenVerifier verifier = new TokenVerifier(vertx, redis, config.issuer(), config.audience());
    gw = new Gateway(vertx, config, safety, presence, new Registry(), verifier, hashing, new Blocklist(redis));
    handshakeLimiter = new RateLimiter(redis, "ws:ip", config.handshakesPerMinute(), 60_000, Math.max(1, config.handshakesPerMinute() / 3));
    deliveries = vertx.eventBus().consumer(Addresses.gatewayNode(config.nodeId()), this::onDelivery);
    blockedConsumer = vertx.eventBus().consumer(Addresses.SAFETY_BLOCKED, this::onBlocked);
    int hardLimit = config.maxFrameBytes() * Limits.WS_HARD_LIMIT_FACTOR;
    HttpServerOptions options = new HttpServerOptions()
        .setWebSocketSubProtocols(List.of(Handshake.SUBPROTOCOL))
        .setMaxWebSocketFrameSize(hardLimit)
        .setMaxWebSocketMessageSize(hardLimit)
        // No permessage-deflate / per-frame compression: signaling frames are small, and with
        // compression every size limit would apply to the compressed bytes (a 32 KB frame can
        // inflate to 32 MB on the event loop). Clients that offer it get an uncompressed socket.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setRegisterWebSocketWriteHandlers(false)
        .setReadIdleTimeout(config.idleTimeoutSeconds());
    return deliveries.completion()
        .compose(v -> blockedConsumer.completion())
        .compose(v -> presence.heartbeat(true))
        .compose(v -> verifier.reload().recover(err -> {
          LOG.warn("no verification keys yet ({}); they load on the first token", err.toString());
          return Future.succeededFuture();
        }))
        .compose(v -> {
          heartbeatTimer = vertx.setPeriodic(config.heartbeatMs(), t -> beat());
          statsTimer = vertx.setPeriodic(config.statsIntervalMs(), t -> pushStats());
          pingTimer = vertx.setPeriodic(config.pingIntervalMs(), t -> gw.registry().all().forEach(Connection::ping));
          server = vertx.createHttpServer(options)
              .webSocketHandshakeHandler(this::onHandshake)
              .webSocketHandler(this::onSocket)
              .requestHandler(HttpRoutes.router(vertx, config, safety, redis, presence, hashing));
          return server.listen(config.port());
        })
        .onSuccess(s -> {
          Health.register(healthName(), () -> draining ? Future.failedFuture("draining") : Future.succeededFuture());
          GatewayMetrics.socketsOpen(gw.registry());
          GatewayMetrics.pendingHandshakes(handshakes);
          LOG.info("gateway node={} listening port={}", config.nodeId(), s.actualPort());
        });
  }

  private String healthName() {
    return "gateway-" + config.nodeId();
  }

  /** The port actually bound (useful with port 0 in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  public String nodeId() {
    return config.nodeId();
  }

  /**
   * Everything is checked before the upgrade: the path, the Origin (cross-site WebSocket
   * hijacking), the network's handshake rate, the token, and the device and network block lists.
   */
  private void onHandshake(ServerWebSocketHandshake hs) {
    if (draining) {
      hs.reject(ErrorCode.UNAVAILABLE.status);
      return;
    }
    if (!SIGNALING_PATH.equals(hs.path())) {
      hs.reject(404);
      return;
    }
    String key = hs.headers().get("Sec-WebSocket-Key");
    if (key == null) {
      hs.reject(400);
      return;
    }
    boolean proxied = safety.trustedProxyHops() > 0;
    String scheme = proxied && hs.headers().get("X-Forwarded-Proto") != null ? hs.headers().get("X-Forwarded-Proto") : hs.scheme();
    io.vertx.core.net.HostAndPort authority = proxied && hs.headers().get("X-Forwarded-Host") != null
        ? io.vertx.core.net.HostAndPort.parseAuthority(hs.headers().get("X-Forwarded-Host"), -1) : hs.authority();
    if (!Handshake.originAllowed(hs.headers().get("Origin"), authority, scheme, config.allowedOrigins())) {
      LOG.info("handshake refused: origin not allowed");
      hs.reject(ErrorCode.BAD_ORIGIN.status);
      return;
    }
    String ipHash = hashing.hash(ClientAddress.of(hs.remoteAddress(), hs.headers(), safety.trustedProxyHops()));
    handshakeLimiter.check(ipHash)
        .compose(v -> gw.verifier().verify(Handshake.token(hs)))
        .compose(id -> gw.blocks().check(id.deviceHash(), ipHash).map(id))
        .onComplete(ar -> {
          if (ar.failed()) {
            TandemException te = Failures.map(ar.cause());
            if (te.code() == ErrorCode.BLOCKED) LOG.info("handshake refused: blocked");
            hs.reject(te.code().status);
            return;
          }
          if (draining) {
            hs.reject(ErrorCode.UNAVAILABLE.status);
            return;
          }
          handshakes.put(key, new Admission(ar.result(), ipHash));
          try {
            hs.accept().onFailure(err -> handshakes.remove(key));
          } catch (RuntimeException e) {
            // the client gave up while its handshake waited on the store: nothing to accept
            handshakes.remove(key);
            LOG.debug("handshake abandoned by the client: {}", e.toString());
          }
        });
  }

  private void onSocket(ServerWebSocket ws) {
    Admission a = handshakes.remove(String.valueOf(ws.headers().get("Sec-WebSocket-Key")));
    if (a == null) {
      ws.close((short) 1011, "handshake state lost");
      return;
    }
    new Connection(gw, ws, a.identity(), a.ipHash(), Ids.connection()).start();
  }

  /** A device or network was blocked somewhere: close its sockets on this node. */
  private void onBlocked(Message<JsonObject> msg) {
    String device = msg.body().getString("device");
    String ip = msg.body().getString("ip");
    for (Connection c : gw.registry().all()) {
      if ((device != null && device.equals(c.identity().deviceHash())) || (ip != null && ip.equals(c.ipHash()))) {
        LOG.info("closing blocked socket user={} conn={}", c.identity().userId(), c.connId());
        c.close(Connection.CLOSE_POLICY, "blocked");
      }
    }
  }

  private void onDelivery(Message<JsonObject> msg) {
    Delivery d;
    try {
      d = Delivery.fromJson(msg.body());
    } catch (RuntimeException e) {
      Failures.reply(msg, e);
      return;
    }
    Connection c = gw.registry().get(d.userId(), d.connId());
    switch (d.type()) {
      case Delivery.MATCH -> {
        MatchInfo m;
        try {
          m = MatchInfo.fromJson(d.data());
        } catch (RuntimeException e) {
          Failures.reply(msg, e);
          return;
        }
        if (c != null && c.applyMatch(m)) msg.reply(new JsonObject());
        else Failures.reply(msg, new TandemException(ErrorCode.GONE));
      }
      case Delivery.KICK -> {
        if (c != null) c.close(Connection.CLOSE_REPLACED, "replaced by a newer connection");
      }
      default -> {
        if (c != null && isRelayType(d.type())) {
          c.deliver(d.type(), d.data());
          if (d.sentAt() > 0) GatewayMetrics.relayed(d.sentAt());
        }
      }
    }
  }

  private static boolean isRelayType(String type) {
    return MessageType.OFFER.wire.equals(type) || MessageType.ANSWER.wire.equals(type)
        || MessageType.CANDIDATE.wire.equals(type) || MessageType.MESSAGE.wire.equals(type)
        || MessageType.PEER_DISCONNECTED.wire.equals(type);
  }

  private void beat() {
    gw.presence().heartbeat(false).onComplete(ar -> {
      if (ar.succeeded() && !ar.result()) {
        LOG.warn("node={} was declared dead (missed heartbeats); closing its sockets so clients reconnect", config.nodeId());
        gw.registry().all().forEach(c -> c.close(Connection.CLOSE_RESTART, "gateway restarting"));
      } else if (ar.failed()) {
        LOG.warn("heartbeat failed node={}: {}", config.nodeId(), ar.cause().toString());
      }
    });
  }

  private void pushStats() {
    List<Connection> searching = gw.registry().all().stream().filter(Connection::isQueued).toList();
    if (searching.isEmpty()) return;
    gw.presence().stats().onSuccess(stats -> {
      String frame = ServerFrames.of(MessageType.STATS, stats);
      searching.stream().filter(Connection::isQueued).forEach(c -> c.send(frame));
    });
  }

  /** Number of handshakes admitted but not yet turned into sockets (tests and the pending-handshakes gauge). */
  int pendingHandshakes() {
    return handshakes.size();
  }

  /**
   * Drain: refuse new handshakes, close every open socket with 1012 ("restarting": clients
   * reconnect at once to another gateway) and wait until their store state is cleaned, and only
   * then close the server (whose own close would send 1000, a normal close that clients obey).
   */
  @Override
  public Future<?> stop() {
    draining = true;
    LOG.info("gateway node={} draining: closing {} sockets with 1012", config.nodeId(), gw == null ? 0 : gw.registry().size());
    vertx.cancelTimer(heartbeatTimer);
    vertx.cancelTimer(statsTimer);
    vertx.cancelTimer(pingTimer);
    if (gw != null) gw.registry().drain();
    List<Connection> open = gw == null ? List.of() : gw.registry().all();
    open.forEach(c -> c.close(Connection.CLOSE_RESTART, "gateway restarting"));
    return Future.join(open.stream().map(Connection::closedAndCleaned).toList())
        .transform(ar -> server == null ? Future.succeededFuture() : server.close())
        .transform(ar -> gw.presence().leave()).transform(ar -> deliveries.unregister())
        .transform(ar -> blockedConsumer.unregister())
        .andThen(ar -> {
          Health.unregister(healthName());
          if (gw != null) GatewayMetrics.forget(gw.registry(), handshakes);
        });
  }
}
