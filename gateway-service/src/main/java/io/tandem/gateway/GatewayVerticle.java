package io.tandem.gateway;

import io.tandem.gateway.http.Admission;
import io.tandem.gateway.http.HandshakeGate;
import io.tandem.gateway.node.DeliveryRouter;
import io.tandem.gateway.node.NodeTimers;
import io.tandem.gateway.presence.Presence;
import io.tandem.gateway.socket.Registry;
import io.tandem.gateway.protocol.MatchedFrame;
import io.tandem.gateway.http.HttpRoutes;
import io.tandem.gateway.socket.SocketCleanup;
import io.tandem.gateway.socket.SocketLoop;
import io.tandem.gateway.socket.SocketOpener;
import io.tandem.gateway.socket.SocketServer;
import io.tandem.gateway.socket.SocketVerticle;
import io.tandem.gateway.steps.CallControlFrames;
import io.tandem.gateway.steps.FrameDispatcher;
import io.tandem.gateway.steps.ActionInterpreter;
import io.tandem.gateway.steps.RelayFrames;
import io.tandem.gateway.token.TokenVerifier;

import io.tandem.common.Blocklist;
import io.tandem.common.Hashing;
import io.tandem.common.Health;
import io.tandem.common.PeerNotifier;
import io.tandem.common.RateLimiter;
import io.tandem.common.Reports;
import io.tandem.common.Retry;
import io.tandem.common.SafetyConfig;
import io.tandem.common.store.PartitionStores;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.redis.client.Redis;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node, once per process: its identity and heartbeat ({@link Presence}), the shared
 * {@link Registry} of open sockets, its delivery address ({@link DeliveryRouter}), the node's timers
 * ({@link NodeTimers}), the handshake bound ({@link HandshakeGate}) and the gauges. It serves
 * sockets on its own event loop (loop 0, a {@link SocketServer}) and deploys {@link SocketVerticle}
 * for each further loop, {@code GATEWAY_EVENT_LOOPS} in all, every one on the same port
 * (docs/gateway.md, "Event loops"). Deliveries and timer work for loop 0's sockets thus need no hop,
 * and with one loop the gateway runs on one context as before.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  /** Path of the signaling WebSocket. */
  public static final String SIGNALING_PATH = Admission.SIGNALING_PATH;
  /** Attempts of the node's first heartbeat before the start fails. */
  public static final int START_ATTEMPTS = 5;
  /** Pause between those attempts, ms. */
  public static final long START_RETRY_MS = 1000;
  /** Negative port ids for {@code GATEWAY_PORT=0}: Vert.x shares one random port among servers listening on the same negative port. */
  private static final AtomicInteger RANDOM_PORT_IDS = new AtomicInteger();

  private final GatewayConfig config;
  private final SafetyConfig safety;
  private final Redis redis;
  private final Hashing hashing;
  private final PartitionStores stores;
  private final Registry registry = new Registry();
  private Presence presence;
  private DeliveryRouter router;
  private NodeTimers timers;
  private SocketServer loopZero;

  /** @param stores the call store of each matching partition (Redis in production), shared with the node's other services as the matchmaker's are */
  public GatewayVerticle(GatewayConfig config, SafetyConfig safety, Redis redis, Hashing hashing, PartitionStores stores) {
    this.config = config;
    this.safety = safety;
    this.redis = redis;
    this.hashing = hashing;
    this.stores = stores;
  }

  @Override
  public Future<?> start() {
    presence = new Presence(stores, new PeerNotifier(vertx.eventBus()), new Reports(redis, safety), config.nodeId(), config.resumeGraceMs());
    TokenVerifier verifier = new TokenVerifier(vertx, redis, config.issuer(), config.audience());
    SocketServer.Factory servers = socketServers(verifier, new Blocklist(redis));
    AtomicInteger instances = new AtomicInteger();
    return router.ready()
        // the first beat is retried: several services starting at once on a small machine can keep
        // the store from answering within REDIS_TIMEOUT_MS for a moment
        .compose(v -> Retry.times(vertx, START_ATTEMPTS, START_RETRY_MS, () -> presence.heartbeat(true)))
        .compose(v -> verifier.reload().recover(err -> {
          LOG.warn("no verification keys yet ({}); they load on the first token", err.toString());
          return Future.succeededFuture();
        }))
        .compose(v -> {
          timers.start();
          loopZero = servers.create(context, 0);
          return loopZero.start();
        })
        .compose(s -> {
          if (config.eventLoops() == 1) return Future.succeededFuture();
          // a child deployment: undeployed (its sockets drained) before this verticle's stop runs
          return vertx.deployVerticle(() -> new SocketVerticle(servers, instances.incrementAndGet()),
              new DeploymentOptions().setInstances(config.eventLoops() - 1));
        })
        .onSuccess(id -> {
          Health.register(healthName(), () -> registry.draining() ? Future.failedFuture("draining") : Future.succeededFuture());
          GatewayMetrics.socketsOpen(registry);
          LOG.info("gateway node={} serving on {} event loops", config.nodeId(), config.eventLoops());
        });
  }

  /**
   * Wires the node's shared parts (each thread-safe or stateless: docs/gateway.md, "Per node") and
   * returns how each event loop's socket server is built from them: its own loop, opener and admission.
   */
  private SocketServer.Factory socketServers(TokenVerifier verifier, Blocklist blocks) {
    DeliveryOptions requests = new DeliveryOptions().setSendTimeout(config.busTimeoutMs());
    MatchedFrame frames = new MatchedFrame(config.iceServers(), config.turn());
    ActionInterpreter actions = new ActionInterpreter(vertx.eventBus(), requests, config.nodeId(), presence, frames, config.overflowAfterMs());
    router = new DeliveryRouter(vertx.eventBus(), config.nodeId(), registry, actions);
    timers = new NodeTimers(vertx, config, presence, registry);
    FrameDispatcher dispatcher = new FrameDispatcher(actions,
        new RelayFrames(vertx.eventBus(), requests, config.nodeId(), router::deliverLocal),
        new CallControlFrames(presence, verifier, safety, blocks, vertx.eventBus()));
    RateLimiter handshakeLimiter = new RateLimiter(redis, "ws:ip", config.handshakesPerMinute(), 60_000,
        Math.max(1, config.handshakesPerMinute() / 3));
    HandshakeGate gate = new HandshakeGate(config.handshakesInFlight());
    SocketCleanup cleanup = new SocketCleanup(vertx, presence, registry::draining);
    int port = config.port() != 0 ? config.port() : -RANDOM_PORT_IDS.incrementAndGet();
    return (loopContext, index) -> {
      SocketLoop loop = new SocketLoop(loopContext, index);
      SocketOpener opener = new SocketOpener(vertx, loop, registry, presence, cleanup, dispatcher, config.maxFrameBytes());
      Admission admission = new Admission(safety, config.allowedOrigins(), hashing, handshakeLimiter, verifier, blocks,
          registry::draining, opener, gate);
      return new SocketServer(vertx, loop, config, port, registry, admission,
          HttpRoutes.router(vertx, config, safety, redis, presence, hashing));
    };
  }

  private String healthName() {
    return "gateway-" + config.nodeId();
  }

  public String nodeId() {
    return config.nodeId();
  }

  /**
   * The further loops' socket verticles have drained and closed their servers by now (a child
   * deployment is undeployed first); the node drains loop 0, then leaves the live set and stops its
   * consumers.
   */
  @Override
  public Future<?> stop() {
    registry.drain();
    if (timers != null) timers.stop();
    return (loopZero == null ? Future.<Void>succeededFuture() : loopZero.stop())
        .transform(ar -> presence == null ? Future.succeededFuture() : presence.leave())
        .transform(ar -> router == null ? Future.succeededFuture() : router.stop())
        .andThen(ar -> {
          Health.unregister(healthName());
          GatewayMetrics.forgetSockets(registry);
        });
  }
}
