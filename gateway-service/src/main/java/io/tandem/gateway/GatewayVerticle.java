package io.tandem.gateway;

import io.tandem.common.Blocklist;
import io.tandem.common.Hashing;
import io.tandem.common.Health;
import io.tandem.common.Limits;
import io.tandem.common.RateLimiter;
import io.tandem.common.SafetyConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.redis.client.Redis;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node, wired from its parts: {@link Admission} (the {@code /signaling} handshake),
 * {@link SocketOpener} and {@link Connection} (sockets), {@link DeliveryRouter} (this node's
 * delivery address), {@link NodeTimers} (heartbeat, presence pushes, pings) and {@link Drain}.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Path of the signaling WebSocket. */
  public static final String SIGNALING_PATH = Admission.SIGNALING_PATH;

  private final GatewayConfig config;
  private final SafetyConfig safety;
  private final Redis redis;
  private final Hashing hashing;
  private final Registry registry = new Registry();
  private Presence presence;
  private Admission admission;
  private DeliveryRouter router;
  private NodeTimers timers;
  private HttpServer server;

  public GatewayVerticle(GatewayConfig config, SafetyConfig safety, Redis redis, Hashing hashing) {
    this.config = config;
    this.safety = safety;
    this.redis = redis;
    this.hashing = hashing;
  }

  /** Attempts of the node's first heartbeat before the start fails. */
  public static final int START_ATTEMPTS = 5;
  /** Pause between those attempts, ms. */
  public static final long START_RETRY_MS = 1000;

  @Override
  public Future<?> start() {
    presence = new Presence(new io.tandem.common.store.RedisCallStore(redis), new io.tandem.common.PeerNotifier(vertx.eventBus()),
        new io.tandem.common.Reports(redis, safety), config.nodeId(), config.resumeGraceMs());
    TokenVerifier verifier = new TokenVerifier(vertx, redis, config.issuer(), config.audience());
    Blocklist blocks = new Blocklist(redis);
    DeliveryOptions requests = new DeliveryOptions().setSendTimeout(config.busTimeoutMs());
    MatchedFrame frames = new MatchedFrame(config.iceServers(), config.turn());
    QueueFrames queue = new QueueFrames(vertx.eventBus(), requests, config.nodeId(), presence, frames);
    FrameDispatcher dispatcher = new FrameDispatcher(queue, new RelayFrames(vertx.eventBus(), requests),
        new CallControlFrames(presence, verifier, safety, blocks, vertx.eventBus(), frames));
    SocketOpener opener = new SocketOpener(vertx, registry, presence, new SocketCleanup(vertx, presence, registry::draining),
        dispatcher, config.maxFrameBytes());
    RateLimiter handshakeLimiter = new RateLimiter(redis, "ws:ip", config.handshakesPerMinute(), 60_000,
        Math.max(1, config.handshakesPerMinute() / 3));
    admission = new Admission(safety, config.allowedOrigins(), hashing, handshakeLimiter, verifier, blocks, registry::draining, opener,
        new HandshakeGate(config.handshakesInFlight()));
    router = new DeliveryRouter(vertx.eventBus(), config.nodeId(), registry, queue);
    timers = new NodeTimers(vertx, config, presence, registry);
    return router.ready()
        // the first beat is retried: several services starting at once on a small machine can keep
        // the store from answering within REDIS_TIMEOUT_MS for a moment
        .compose(v -> io.tandem.common.Retry.times(vertx, START_ATTEMPTS, START_RETRY_MS, () -> presence.heartbeat(true)))
        .compose(v -> verifier.reload().recover(err -> {
          LOG.warn("no verification keys yet ({}); they load on the first token", err.toString());
          return Future.succeededFuture();
        }))
        .compose(v -> {
          timers.start();
          server = vertx.createHttpServer(serverOptions())
              .webSocketHandshakeHandler(admission::onHandshake)
              .webSocketHandler(admission::onSocket)
              .requestHandler(HttpRoutes.router(vertx, config, safety, redis, presence, hashing));
          return server.listen(config.port());
        })
        .onSuccess(s -> {
          Health.register(healthName(), () -> registry.draining() ? Future.failedFuture("draining") : Future.succeededFuture());
          GatewayMetrics.socketsOpen(registry);
          GatewayMetrics.pendingHandshakes(admission.pending());
          LOG.info("gateway node={} listening port={}", config.nodeId(), s.actualPort());
        });
  }

  private HttpServerOptions serverOptions() {
    int hardLimit = config.maxFrameBytes() * Limits.WS_HARD_LIMIT_FACTOR;
    return new HttpServerOptions()
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

  /** Drain (see {@link Drain}), then close the server, leave the live set and stop listening. */
  @Override
  public Future<?> stop() {
    if (timers != null) timers.stop();
    return Drain.closeSockets(registry, config.nodeId())
        .transform(ar -> server == null ? Future.succeededFuture() : server.close())
        .transform(ar -> presence == null ? Future.succeededFuture() : presence.leave())
        .transform(ar -> router == null ? Future.succeededFuture() : router.stop())
        .andThen(ar -> {
          Health.unregister(healthName());
          if (admission != null) GatewayMetrics.forget(registry, admission.pending());
        });
  }
}
