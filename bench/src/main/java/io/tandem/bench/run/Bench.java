package io.tandem.bench.run;

import io.tandem.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntUnaryOperator;

/**
 * What a scenario works with: the client-side Vert.x (never clustered), the services under test, a
 * token source, and the Redis of the topology for end-of-run checks.
 */
public final class Bench implements AutoCloseable {
  /** How long set-up steps wait for a frame. */
  public static final Duration STEP = Duration.ofSeconds(10);

  public final Path root;
  public final Path runDir;
  public final Options options;
  public final Vertx vertx;
  public final WebSocketClient ws;
  private Topology topology;
  private Tokens tokens;
  private Redis redis;
  private final List<String> profileRoles;
  private final List<String> profiles = new ArrayList<>();
  private final Path resultsDir;
  private final String prefix;
  /** Profile summaries written so far. */
  public final List<Path> profileSummaries = new ArrayList<>();

  private final java.util.Map<String, String> serviceEnv;
  private final List<String> serviceJvm;

  public Bench(Path root, Path runDir, Path resultsDir, String prefix, Options options, List<String> profileRoles,
               java.util.Map<String, String> serviceEnv, List<String> serviceJvm) {
    this.serviceEnv = serviceEnv;
    this.serviceJvm = serviceJvm;
    this.root = root;
    this.runDir = runDir;
    this.resultsDir = resultsDir;
    this.prefix = prefix;
    this.options = options;
    this.profileRoles = profileRoles;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setBlockedThreadCheckInterval(10_000).setPreferNativeTransport(true));
    this.ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setMaxFrameSize(1024 * 1024).setMaxMessageSize(1024 * 1024).setConnectTimeout(30_000));
  }

  /** Starts the services, checks the whole path end to end, and keeps them for {@link #close()}. */
  public Topology start(Topology.Spec spec) throws Exception {
    topology = Topology.start(root, runDir, spec.withEnv(serviceEnv).withJvmArgs(serviceJvm));
    tokens = new Tokens(vertx, topology.authPort(), 32);
    redis = Redis.createClient(vertx, "redis://127.0.0.1:" + topology.redisPort());
    smoke();
    startRecordings();
    return topology;
  }

  public Path resultsDir() {
    return resultsDir;
  }

  /** {@code <timestamp>-<scenario>}: the prefix of this run's result files. */
  public String prefix() {
    return prefix;
  }

  public Topology topology() {
    return topology;
  }

  public Tokens tokens() {
    return tokens;
  }

  /** Fetches {@code n} tokens from auth-service (blocking). */
  public List<Tokens.Token> fetchTokens(int n) throws Exception {
    return tokens.fetch(n).await(Math.max(60, n / 100), TimeUnit.SECONDS);
  }

  /** Connects one socket per token; {@code gatewayOf(i)} picks the gateway index of token i. */
  public Future<List<Ws>> connect(List<Tokens.Token> list, IntUnaryOperator gatewayOf, int concurrency) {
    return Parallel.map(list.size(), concurrency, i -> {
      int g = gatewayOf.applyAsInt(i);
      return Ws.connect(ws, topology.gatewayPort(g), g, list.get(i));
    });
  }

  public List<Ws> connectBlocking(List<Tokens.Token> list, IntUnaryOperator gatewayOf) throws Exception {
    return connect(list, gatewayOf, 64).await(Math.max(60, list.size() / 50), TimeUnit.SECONDS);
  }

  /**
   * Proves the whole path before measuring: tokens through each gateway's {@code /auth/token}
   * (gateway → auth over the bus), a pair matched across gateways, an offer relayed and a chat
   * message through chat-service. Retried while the cluster settles (subscriptions propagate).
   */
  public void smoke() throws Exception {
    smoke(java.util.Set.of());
  }

  /** The same while the children named in {@code stoppedOnPurpose} are down (a fault scenario stopped them). */
  public void smoke(java.util.Set<String> stoppedOnPurpose) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    int n = topology.gateways().size();
    int rounds = Math.max(2, topology.matchmakers().size() * 2);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        for (int r = 0; r < rounds; r++) {
          for (int g = 0; g < n; g++) smokePair(g, (g + 1) % n);
        }
        return;
      } catch (Exception e) {
        last = e;
        topology.requireAliveExcept(stoppedOnPurpose);
        Thread.sleep(500);
      }
    }
    throw new IllegalStateException("smoke test kept failing: " + last, last);
  }

  private void smokePair(int ga, int gb) throws Exception {
    Tokens viaGateway = new Tokens(vertx, topology.gatewayPort(ga), 2);
    List<Tokens.Token> t;
    try {
      t = viaGateway.fetch(2).await(20, TimeUnit.SECONDS);
    } finally {
      viaGateway.close();
    }
    Ws a = Ws.connect(ws, topology.gatewayPort(ga), ga, t.get(0)).await(20, TimeUnit.SECONDS);
    Ws b = Ws.connect(ws, topology.gatewayPort(gb), gb, t.get(1)).await(20, TimeUnit.SECONDS);
    try {
      pair(a, b);
      String sid = ((JsonObject) a.state).getString("sessionId");
      a.send(Frames.offer(sid, "v=0 smoke"));
      b.await("offer", STEP);
      b.send(Frames.message(sid, "smoke"));
      a.await("message", STEP);
    } finally {
      Future.join(a.close(), b.close()).await(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Makes {@code a} and {@code b} a pair: a joins and waits for {@code queued}, then b joins; both
   * get {@code matched} (a as caller). Each client's {@code state} becomes its {@code matched}
   * data. Assumes nobody else is waiting.
   */
  public static void pair(Ws a, Ws b) throws InterruptedException, TimeoutException {
    a.send(Frames.join());
    a.await("queued", STEP);
    b.send(Frames.join());
    JsonObject mb = b.await("matched", STEP).data();
    JsonObject ma = a.await("matched", STEP).data();
    if (!ma.getString("sessionId").equals(mb.getString("sessionId")) || !b.userId().equals(ma.getString("peerId"))) {
      throw new IllegalStateException("paired with someone else: " + ma + " / " + mb);
    }
    a.state = ma;
    b.state = mb;
  }

  /** User ids in the matchmaking queue right now. */
  public Set<String> queued() throws Exception {
    Response r = redis.send(Request.cmd(Command.ZRANGE).arg(RedisKeys.QUEUE).arg(0).arg(-1)).await(10, TimeUnit.SECONDS);
    Set<String> out = new HashSet<>();
    if (r != null) r.forEach(x -> out.add(x.toString()));
    return out;
  }

  /** Users with an open socket according to Redis. */
  public long online() throws Exception {
    Response r = redis.send(Request.cmd(Command.SCARD).arg(RedisKeys.ONLINE)).await(10, TimeUnit.SECONDS);
    return r == null ? 0 : r.toLong();
  }

  /** Waits until Redis shows no open socket and nobody queued (after closing every client). */
  public boolean awaitDrained(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (online() == 0 && queued().isEmpty()) return true;
      Thread.sleep(100);
    }
    return false;
  }

  /** Redis per-command statistics (calls, µs per call) for the scripts, as the server counts them. */
  public JsonObject redisCommandStats() {
    try {
      Response r = redis.send(Request.cmd(Command.INFO).arg("commandstats")).await(10, TimeUnit.SECONDS);
      JsonObject out = new JsonObject();
      for (String line : r.toString().split("\r?\n")) {
        if (!line.startsWith("cmdstat_")) continue;
        String name = line.substring(8, line.indexOf(':'));
        JsonObject o = new JsonObject();
        for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
          String[] p = kv.split("=");
          if (p.length == 2 && (p[0].equals("calls") || p[0].equals("usec_per_call"))) o.put(p[0], Double.parseDouble(p[1]));
        }
        if (o.getDouble("calls", 0.0) >= 100) out.put(name, o);
      }
      return out;
    } catch (Exception e) {
      return new JsonObject().put("error", e.toString());
    }
  }

  public void resetRedisStats() {
    try {
      redis.send(Request.cmd(Command.CONFIG).arg("RESETSTAT")).await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // informational only
    }
  }

  /**
   * Starts a continuous JFR recording on the children named by {@code --profile} (e.g. gateway-1,
   * matchmaker-1, or a role such as gateway). It starts right after the services are up, so JFR's
   * own start-up cost (class loading, deoptimization) is absorbed by the warm-up, not the measurement.
   */
  private void startRecordings() {
    if (profileRoles.isEmpty() || topology == null) return;
    for (Topology.Child c : topology.all()) {
      if (profileRoles.contains(c.role()) || profileRoles.contains(c.role().replaceAll("-\\d+$", ""))) {
        try {
          Jfr.start(c.pid(), "bench");
          profiles.add(c.role());
        } catch (Exception e) {
          System.out.println("could not start JFR on " + c.role() + ": " + e.getMessage());
        }
      }
    }
  }

  private long windowStart = -1;
  private java.time.LocalTime windowStartTime;

  /** Marks the start of a measured window; {@link #stopProfiles} writes what was recorded since. */
  public void startProfiles() {
    windowStart = System.nanoTime();
    windowStartTime = java.time.LocalTime.now();
  }

  /** Writes the recording of the window since {@link #startProfiles()} and its summary next to the results. */
  public void stopProfiles() {
    stopProfiles(null);
  }

  /** The same, with a label in the file names when one scenario records several windows. */
  public void stopProfiles(String label) {
    if (profiles.isEmpty() || windowStart < 0) return;
    long seconds = Math.max(1, (System.nanoTime() - windowStart + 999_999_999L) / 1_000_000_000L);
    windowStart = -1;
    java.time.LocalTime windowStartTime = this.windowStartTime;
    String prefix = label == null ? this.prefix : this.prefix + "-" + label;
    for (Topology.Child c : topology.all()) {
      if (!profiles.contains(c.role())) continue;
      try {
        Path jfr = Jfr.dump(c.pid(), "bench", runDir.resolve(prefix + "-" + c.role() + ".jfr"), seconds);
        String text = Jfr.summarize(jfr, prefix + " " + c.role() + " (the " + seconds + " s measured window from "
            + windowStartTime.withNano(0) + ")", windowStartTime);
        Path summary = resultsDir.resolve(prefix + "-profile-" + c.role() + ".txt");
        java.nio.file.Files.writeString(summary, text);
        profileSummaries.add(summary);
        System.out.println("JFR " + c.role() + ": " + jfr + " -> " + summary);
      } catch (Exception e) {
        System.out.println("could not dump/summarize JFR on " + c.role() + ": " + e);
      }
    }
  }

  @Override
  public void close() {
    try {
      ws.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
    if (tokens != null) tokens.close();
    if (topology != null) topology.close();
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}
