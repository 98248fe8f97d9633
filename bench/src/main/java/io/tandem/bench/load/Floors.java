package io.tandem.bench.load;

import io.tandem.bench.BenchMain;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Jfr;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Parallel;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.RedisCommandStats;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Svg;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 13's comparison in one invocation: Tandem as the launcher (one process) and clustered
 * (separate processes) beside floors measured on the same machine in the same run — Redis round
 * trips ({@code PING}, a trivial {@code EVALSHA}) and a bare Vert.x WebSocket relay
 * ({@link BareRelay}). Every Tandem figure is printed next to its floor as a ratio.
 * <ol>
 *   <li>Redis floor on the launcher's redis-server.</li>
 *   <li>Call cycles from one client loop ({@link CallCycles}) on the bare relay, the launcher and
 *       the clustered topology, in alternating rounds (medians of the rounds reported).</li>
 *   <li>WebSocket connects/s with {@code --connect-sockets} sockets (tokens fetched first) on the
 *       bare relay and the launcher; live heap and RSS per idle socket at that count and at
 *       {@code --big-sockets}; then relay latency of probe pairs on the full process.</li>
 * </ol>
 */
public final class Floors implements Scenario {
  /** Issue 13's goals. */
  // Issue 25's goals; the peers' figures are the (Socket.IO + Redis random-chat server and PeerJS server,
  // measured on this machine with a Node.js client, both warmed up like Tandem): printed beside ours, not run here.
  static final double GOAL_MATCH_P50_MS = 0.45;
  static final double GOAL_MATCH_P99_MS = 1.5;
  static final double GOAL_CANDIDATE_P50_MS = 0.16;
  static final double GOAL_CANDIDATE_P99_MS = 1.5;
  /** 1.2 × the Socket.IO + Redis peer's best figure (791 cycles/s in the runs). */
  static final double GOAL_CYCLES_PER_SECOND = 1.2 * 791;
  static final double GOAL_SERVER_CPU_MS_PER_CYCLE = 0.45;
  static final double GOAL_REDIS_CPU_MS_PER_CYCLE = 0.12;
  static final double GOAL_CONNECTS_PER_SECOND = 2300;
  static final double GOAL_RSS_KIB_PER_SOCKET = 10;
  /** The launcher's live heap per idle socket at most this many times the bare Vert.x server's. */
  static final double GOAL_HEAP_RATIO = 1.2;
  static final double GOAL_FULL_RELAY_P99_MS = 5;
  /**
   * The pools connect once and run for several minutes (warm-up and alternating rounds), longer than
   * the default 5-minute access token: tokens live 30 minutes in this scenario. Nothing measured
   * depends on it (each socket's token is verified once, at its handshake).
   */
  static final Map<String, String> ENV = Map.of("ACCESS_TOKEN_TTL_SECONDS", "1800");
  /** Most sockets per client process (each process has a 20k file limit). */
  static final int SOCKETS_PER_WORKER = 5000;

  @Override
  public String name() {
    return "floors";
  }

  @Override
  public String summary() {
    return "issue 13's table: Tandem launcher and clustered beside floors from the same run (Redis PING/EVALSHA, a bare Vert.x relay), as ratios";
  }

  @Override
  public void declare(Options o) {
    o.declare("rounds", "3", "alternating rounds of call cycles (bare relay, launcher, clustered); medians are reported")
        .declare("cycles", "2000", "measured call cycles per system per round")
        .declare("warmup-cycles", "2000", "call cycles per warm-up batch (not measured); batches repeat until the JIT settles")
        .declare("warmup-batches", "15", "at most this many warm-up batches per system (at least one)")
        .declare("pairs", "1500", "pairs per system used in rotation (a pair re-joins at most once per 1.1 s: the join budget)")
        .declare("redis-samples", "20000", "PING and EVALSHA round trips measured (after as many warm-up ones)")
        .declare("connect-sockets", "5000", "idle sockets for connects/s and the first memory point (tokens fetched first)")
        .declare("big-sockets", "19000", "idle sockets for the second memory point and the full-process relay probe (0: skip)")
        .declare("concurrency", "128", "handshakes in flight per client process")
        .declare("connect-warmup", "2000", "sockets the first client process opens and closes before the measured ramp (warm JITs; 0: none)")
        .declare("probe-pairs", "20", "pairs relaying candidates on the full process")
        .declare("probe-rate", "400", "probe messages per second (paced, measured from the intended send time)")
        .declare("probe-seconds", "25", "length of the probe on the full process (covers one 20 s ping round)")
        .declare("launcher-xmx", "1g", "-Xmx of the launcher and the bare relay")
        .declare("clustered", "true", "also run the call cycles on the clustered topology (1 gateway, 1 matchmaker, separate processes)");
  }

  /** Per system: its per-round results. */
  private static final class Rounds {
    final List<CallCycles.Stats> stats = new ArrayList<>();
    final List<Double> serverCpuMsPerCycle = new ArrayList<>();
    final List<Double> redisCpuMsPerCycle = new ArrayList<>();
    /** Per round: CPU ms per cycle of each process. */
    final List<JsonObject> cpuMsPerCycleByProcess = new ArrayList<>();
    /** Per round: Redis commands per cycle, by name (calls and µs), scripts' inner commands included. */
    final List<JsonObject> redisCommandsPerCycle = new ArrayList<>();
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    int rounds = o.integer("rounds", 1, 9);
    int cycles = o.integer("cycles", 10, 100_000);
    int warmupCycles = o.integer("warmup-cycles", 0, 100_000);
    int warmupBatches = o.integer("warmup-batches", 1, 100);
    int pairs = o.integer("pairs", 2, 3000);
    int redisSamples = o.integer("redis-samples", 100, 1_000_000);
    int connectSockets = o.integer("connect-sockets", 10, SOCKETS_PER_WORKER);
    int bigSockets = o.integer("big-sockets", 0, 19_500);
    if (bigSockets != 0 && bigSockets < connectSockets) throw new IllegalArgumentException("--big-sockets must be 0 or at least --connect-sockets");
    int concurrency = o.integer("concurrency", 1, 5000);
    int connectWarmup = o.integer("connect-warmup", 0, 20_000);
    int probePairs = o.integer("probe-pairs", 1, 500);
    double probeRate = o.decimal("probe-rate", 1, 20_000);
    if (probeRate / probePairs > 40) throw new IllegalArgumentException("--probe-rate / --probe-pairs must stay within 40 per pair per second (the signaling budget is 50/s)");
    double probeSeconds = o.decimal("probe-seconds", 1, 300);
    boolean clustered = o.bool("clustered");
    String xmx = o.str("launcher-xmx");
    String sdp = Frames.sdp("floors");
    boolean nativeTransport = nativeTransport(o);

    Outcome out = new Outcome(name());
    out.topology = "launcher (one JVM, -Xmx" + xmx + ") + redis-server; bare Vert.x relay (one JVM, one event loop)"
        + "; transport " + (nativeTransport ? "epoll (native) where it loads" : "nio")
        + (clustered ? "; clustered: " + Topology.Spec.of(1, 1).describe() : "");
    Path benchJar = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    int base = Topology.freeClusterBase();
    List<Solo.Started> solos = new ArrayList<>();
    List<CallCycles.Pool> pools = new ArrayList<>();
    try {
      Solo.Started redis = Solo.redis(bench.runDir, base);
      solos.add(redis);
      Solo.Started bare = Solo.bareRelay(bench.runDir, benchJar, base + 1, xmx, jvmArgs(o), nativeTransport);
      solos.add(bare);
      Solo.Started launcher = Solo.launcher(bench.root, bench.runDir, base + 2, base + 3, redis.port(), xmx, jvmArgs(o), serviceEnv(o));
      solos.add(launcher);
      SoloProfile launcherProfile = new SoloProfile(bench, launcher, o);
      System.out.printf(Locale.ROOT, "launcher pid %d on port %d, bare relay pid %d on port %d, redis-server pid %d on port %d%n",
          launcher.pid(), launcher.port(), bare.pid(), bare.port(), redis.pid(), redis.port());

      // 1. the Redis floor
      RedisFloor.Result rf = RedisFloor.measure(bench.vertx, redis.port(), redis.pid(), redisSamples, redisSamples);
      System.out.println("redis PING:    " + rf.ping().summary().line());
      System.out.println("redis EVALSHA: " + rf.evalsha().summary().line() + String.format(Locale.ROOT, "; %.1f µs redis CPU per call", rf.redisCpuMicrosPerEvalsha()));

      // 2. call cycles in alternating rounds
      Topology topo = clustered ? bench.start(Topology.Spec.of(1, 1).withEnv(ENV)) : null;
      Map<String, CallCycles.Pool> pool = new LinkedHashMap<>();
      Map<String, long[]> cpuPids = new LinkedHashMap<>();
      Map<String, List<String>> cpuRoles = new LinkedHashMap<>();
      Map<String, Integer> redisPorts = new LinkedHashMap<>();
      redisPorts.put("launcher", redis.port());
      if (topo != null) redisPorts.put("clustered", topo.child("redis").port());
      pool.put("bare", barePool(bench, bare.port(), pairs, "cycle"));
      cpuPids.put("bare", new long[] {bare.pid()});
      cpuRoles.put("bare", List.of("bare-relay"));
      pool.put("launcher", tandemPool(bench, launcher.port(), pairs));
      cpuPids.put("launcher", new long[] {launcher.pid(), redis.pid()});
      cpuRoles.put("launcher", List.of("launcher", "redis"));
      if (topo != null) {
        List<Tokens.Token> t = bench.fetchTokens(2 * pairs);
        List<Ws> ws = bench.connectBlocking(t, i -> 0);
        pool.put("clustered", new CallCycles.Pool(ws, true));
        long[] pids = topo.all().stream().filter(c -> !c.role().equals("redis")).mapToLong(Topology.Child::pid).toArray();
        List<String> roles = new ArrayList<>(topo.all().stream().map(Topology.Child::role).filter(r -> !r.equals("redis")).toList());
        roles.add("redis");
        cpuRoles.put("clustered", roles);
        long[] withRedis = java.util.Arrays.copyOf(pids, pids.length + 1);
        withRedis[pids.length] = topo.child("redis").pid();
        cpuPids.put("clustered", withRedis);
      }
      pools.addAll(pool.values());
      JsonObject warmups = new JsonObject();
      for (Map.Entry<String, CallCycles.Pool> e : pool.entrySet()) {
        warmups.put(e.getKey(), warmUp(bench, e.getKey(), e.getValue(), serverPids(cpuPids.get(e.getKey()), !e.getKey().equals("bare")),
            warmupCycles, warmupBatches, sdp));
      }
      out.details.put("warmUp", warmups);
      Map<String, Rounds> results = new LinkedHashMap<>();
      pool.keySet().forEach(k -> results.put(k, new Rounds()));
      if (topo != null) bench.startProfiles();
      launcherProfile.start();
      for (int r = 0; r < rounds; r++) {
        for (Map.Entry<String, CallCycles.Pool> e : pool.entrySet()) {
          long[] pids = cpuPids.get(e.getKey());
          Integer redisPort = redisPorts.get(e.getKey());
          RedisCommandStats commandsBefore = redisPort == null ? null : RedisCommandStats.read(redisPort);
          boolean hasRedis = !e.getKey().equals("bare");
          long jitBefore = sum(jit(serverPids(pids, hasRedis)));
          long[] before = cpu(pids);
          CallCycles.Stats st = cycles(bench, e.getKey(), e.getValue(), cycles, sdp);
          long[] after = cpu(pids);
          long jitMs = sum(jit(serverPids(pids, hasRedis))) - jitBefore;
          Rounds rs = results.get(e.getKey());
          rs.stats.add(st);
          JsonObject commands = redisPort == null ? new JsonObject()
              : RedisCommandStats.read(redisPort).perCycleSince(commandsBefore, st.cycles);
          rs.redisCommandsPerCycle.add(commands);
          long server = 0;
          for (int i = 0; i < pids.length - (hasRedis ? 1 : 0); i++) server += after[i] - before[i];
          rs.serverCpuMsPerCycle.add(server / (double) Math.max(1, st.cycles));
          rs.redisCpuMsPerCycle.add(hasRedis ? (after[pids.length - 1] - before[pids.length - 1]) / (double) Math.max(1, st.cycles) : 0.0);
          JsonObject byProcess = new JsonObject();
          for (int i = 0; i < pids.length; i++) {
            byProcess.put(cpuRoles.get(e.getKey()).get(i), Math.round((after[i] - before[i]) * 1000.0 / Math.max(1, st.cycles)) / 1000.0);
          }
          // the JIT compiler threads' part of the server CPU above (≈ 0 once warm)
          byProcess.put("jitOfServer", Math.round(jitMs * 1000.0 / Math.max(1, st.cycles)) / 1000.0);
          rs.cpuMsPerCycleByProcess.add(byProcess);
          System.out.printf(Locale.ROOT, "round %d %-9s %5d cycles %6.0f/s  match p50 %s p99 %s  candidate p50 %s p99 %s  server CPU %.3f ms/cycle (JIT %.3f)  redis CPU %.3f ms/cycle  failed %d%n",
              r + 1, e.getKey(), st.cycles, st.cyclesPerSecond(), Latency.fmt(st.match.summary().p50()), Latency.fmt(st.match.summary().p99()),
              Latency.fmt(st.candidate.summary().p50()), Latency.fmt(st.candidate.summary().p99()),
              rs.serverCpuMsPerCycle.get(r), jitMs / (double) Math.max(1, st.cycles), rs.redisCpuMsPerCycle.get(r), st.failures);
          if (!commands.isEmpty()) System.out.println("  redis commands per cycle: " + RedisCommandStats.line(commands, 12));
        }
      }
      if (topo != null) bench.stopProfiles("cycles");
      launcherProfile.stop("cycles");
      for (CallCycles.Pool p : pools) p.closeAll();
      pools.clear();
      if (topo != null) topo.close(); // the rest runs on the launcher and the bare relay only

      // 3. connects/s, memory per idle socket, relay on a full process
      JsonObject bareSockets = sockets(bench, "bare", bare, benchJar, connectSockets, bigSockets, concurrency, connectWarmup, probePairs, probeRate,
          probeSeconds, null);
      JsonObject launcherSockets = sockets(bench, "launcher", launcher, benchJar, connectSockets, bigSockets, concurrency, connectWarmup, probePairs, probeRate,
          probeSeconds, launcherProfile);

      report(out, rf, results, bareSockets, launcherSockets, connectSockets, bigSockets);
      out.details.put("redisFloor", new JsonObject().put("ping", rf.ping().summary().toJson()).put("evalsha", rf.evalsha().summary().toJson())
          .put("redisCpuMicrosPerEvalsha", rf.redisCpuMicrosPerEvalsha()));
      JsonObject cyclesJson = new JsonObject();
      results.forEach((k, v) -> {
        JsonArray a = new JsonArray();
        for (int i = 0; i < v.stats.size(); i++) {
          a.add(v.stats.get(i).toJson().put("serverCpuMsPerCycle", v.serverCpuMsPerCycle.get(i)).put("redisCpuMsPerCycle", v.redisCpuMsPerCycle.get(i))
              .put("cpuMsPerCycleByProcess", v.cpuMsPerCycleByProcess.get(i))
              .put("redisCommandsPerCycle", v.redisCommandsPerCycle.get(i)));
        }
        cyclesJson.put(k, a);
      });
      out.details.put("callCycleRounds", cyclesJson).put("sockets", new JsonObject().put("bare", bareSockets).put("launcher", launcherSockets));
      out.headline("launcher: time to match", results.get("launcher").stats.get(rounds / 2).match)
          .headline("launcher: candidate relay", results.get("launcher").stats.get(rounds / 2).candidate)
          .headline("bare relay: candidate hop", results.get("bare").stats.get(rounds / 2).candidate)
          .series("redis EVALSHA round trip", rf.evalsha());
      if (results.containsKey("clustered")) {
        out.series("clustered: time to match", results.get("clustered").stats.get(rounds / 2).match)
            .series("clustered: candidate relay", results.get("clustered").stats.get(rounds / 2).candidate);
      }
      out.targets.add(new Svg.TargetLine("goal: candidate p99 1.5 ms", GOAL_CANDIDATE_P99_MS));
      out.note("Call cycles: one client loop, each step waiting for the previous (A joins and is queued, B joins, both matched, offer, answer, "
          + "3 candidates, a chat line, end-call). Latencies from the send on the sender's event loop to the arrival on the receiver's; medians of "
          + rounds + " alternating rounds. The bare relay forwards the same messages (B's join reaching A stands for the match). "
          + "CPU from /proc over each round: server = the service JVMs (the launcher, or gateway + matchmaker + chat + auth), Redis = redis-server.");
    } finally {
      for (CallCycles.Pool p : pools) {
        try {
          p.closeAll();
        } catch (Exception ignored) {
          // stopping anyway
        }
      }
      for (int i = solos.size() - 1; i >= 0; i--) solos.get(i).stop();
    }
    return out;
  }

  /** A JFR window on a solo process (the launcher or the bare relay), when {@code --profile} names it. */
  private static final class SoloProfile {
    final Bench bench;
    final Solo.Started child;
    final boolean on;
    long startNanos;
    java.time.LocalTime startTime;

    SoloProfile(Bench bench, Solo.Started child, Options o) {
      this.bench = bench;
      this.child = child;
      boolean wanted = List.of(o.str("profile").split(",")).stream().map(String::trim).anyMatch(child.role()::equals);
      boolean started = false;
      if (wanted) {
        try {
          Jfr.start(child.pid(), "bench");
          started = true;
        } catch (Exception e) {
          System.out.println("could not start JFR on " + child.role() + ": " + e.getMessage());
        }
      }
      this.on = started;
    }

    void start() {
      startNanos = System.nanoTime();
      startTime = java.time.LocalTime.now();
    }

    void stop(String label) {
      if (!on || startTime == null) return;
      long seconds = Math.max(1, (System.nanoTime() - startNanos + 999_999_999L) / 1_000_000_000L);
      String prefix = bench.prefix() + "-" + label;
      try {
        Path jfr = Jfr.dump(child.pid(), "bench", bench.runDir.resolve(prefix + "-" + child.role() + ".jfr"), seconds);
        Path summary = bench.resultsDir().resolve(prefix + "-profile-" + child.role() + ".txt");
        java.nio.file.Files.writeString(summary, Jfr.summarize(jfr, prefix + " " + child.role() + " (the " + seconds + " s window from "
            + startTime.withNano(0) + ")", startTime));
        bench.profileSummaries.add(summary);
        System.out.println("JFR " + child.role() + " -> " + summary);
      } catch (Exception e) {
        System.out.println("could not dump/summarize JFR on " + child.role() + ": " + e);
      }
      startTime = null;
    }
  }

  private static List<String> jvmArgs(Options o) {
    return o.str("service-jvm").isBlank() ? List.of() : List.of(o.str("service-jvm").trim().split("\\s+"));
  }

  /** Handshakes a client process saw answered 503 and tried again (last field of its CONNECTED line). */
  static long busyRetries(String[] connectedLine) {
    return connectedLine.length > 5 ? Long.parseLong(connectedLine[5]) : 0;
  }

  /** The transport the services run on (NATIVE_TRANSPORT in --service-env, default native): the bare relay uses the same. */
  private static boolean nativeTransport(Options o) {
    return io.tandem.common.Env.with(serviceEnv(o)).bool(io.tandem.common.Transport.SETTING, io.tandem.common.Transport.DEFAULT_NATIVE);
  }

  private static Map<String, String> serviceEnv(Options o) {
    Map<String, String> env = new LinkedHashMap<>(ENV);
    env.putAll(BenchMain.serviceEnv(o.str("service-env")));
    return env;
  }

  private static CallCycles.Stats cycles(Bench bench, String system, CallCycles.Pool pool, int n, String sdp) throws Exception {
    return system.equals("bare") ? CallCycles.bare(bench.vertx, pool, n, sdp) : CallCycles.tandem(bench.vertx, pool, n, sdp);
  }

  /** JIT compilation's share of a server's CPU below which it counts as warm (steady state). */
  static final double JIT_SETTLED_SHARE = 0.05;

  /**
   * Runs batches of call cycles until the JIT compiler threads used less than {@link #JIT_SETTLED_SHARE}
   * of the server processes' CPU during a batch (or {@code maxBatches} ran): the rounds then measure the
   * steady state a long-running service is in, not compilation. → {batches, cycles, jitShareFirst, jitShareLast}.
   */
  private static JsonObject warmUp(Bench bench, String system, CallCycles.Pool pool, long[] serverPids, int batchCycles,
                                   int maxBatches, String sdp) throws Exception {
    JsonObject w = new JsonObject();
    if (batchCycles == 0) return w.put("batches", 0);
    int batches = 0;
    long total = 0;
    double first = -1;
    double share = 1;
    while (batches < maxBatches && share >= JIT_SETTLED_SHARE) {
      long[] cpu0 = cpu(serverPids);
      long jit0 = sum(jit(serverPids));
      CallCycles.Stats st = cycles(bench, system, pool, batchCycles, sdp);
      long cpu = sum(cpu(serverPids)) - sum(cpu0);
      share = (sum(jit(serverPids)) - jit0) / (double) Math.max(1, cpu);
      if (first < 0) first = share;
      batches++;
      total += st.cycles;
      System.out.printf(Locale.ROOT, "warm-up %s batch %d: %d cycles at %.0f/s, %d failed, JIT %.0f%% of the server's CPU%n",
          system, batches, st.cycles, st.cyclesPerSecond(), st.failures, 100 * share);
    }
    return w.put("batches", batches).put("cycles", total).put("jitShareFirst", first).put("jitShareLast", share)
        .put("settled", share < JIT_SETTLED_SHARE);
  }

  /** The server JVMs among a system's CPU pids (Redis, listed last, is not a JVM). */
  private static long[] serverPids(long[] pids, boolean lastIsRedis) {
    return lastIsRedis ? java.util.Arrays.copyOf(pids, pids.length - 1) : pids;
  }

  private static long[] jit(long[] pids) {
    return java.util.Arrays.stream(pids).map(Proc::jitMillis).toArray();
  }

  private static long sum(long[] v) {
    return java.util.Arrays.stream(v).sum();
  }

  private static long[] cpu(long[] pids) {
    return java.util.Arrays.stream(pids).map(Proc::cpuMillis).toArray();
  }

  static List<Ws[]> pairsOf(List<Ws> ws) {
    List<Ws[]> out = new ArrayList<>();
    for (int i = 0; i + 1 < ws.size(); i += 2) out.add(new Ws[] {ws.get(i), ws.get(i + 1)});
    return out;
  }

  private static CallCycles.Pool barePool(Bench bench, int port, int pairs, String tag) throws Exception {
    return new CallCycles.Pool(bareSockets(bench, port, pairs, tag), false);
  }

  /** Sockets on the bare relay, two per pair id (in inbox mode: no listener). */
  private static List<Ws> bareSockets(Bench bench, int port, int pairs, String tag) throws Exception {
    return Parallel.map(2 * pairs, 64, i -> Ws.connectBare(bench.ws, port, "/relay?pair=" + tag + "-" + (i / 2), tag + "-" + i))
        .await(120, TimeUnit.SECONDS);
  }

  private static CallCycles.Pool tandemPool(Bench bench, int port, int pairs) throws Exception {
    return new CallCycles.Pool(connectTandem(bench, port, 2 * pairs), true);
  }

  private static List<Ws> connectTandem(Bench bench, int port, int n) throws Exception {
    Tokens tokens = new Tokens(bench.vertx, port, 32);
    try {
      List<Tokens.Token> t = tokens.fetch(n).await(Math.max(60, n / 50), TimeUnit.SECONDS);
      return Parallel.map(n, 64, i -> Ws.connect(bench.ws, port, 0, t.get(i))).await(Math.max(60, n / 50), TimeUnit.SECONDS);
    } finally {
      tokens.close();
    }
  }

  /**
   * Connects/s with {@code first} idle sockets (one client process, tokens fetched first), the
   * process's live heap and RSS per socket then and at {@code big} sockets, and relay latency of
   * probe pairs while it holds {@code big}.
   */
  private static JsonObject sockets(Bench bench, String system, Solo.Started server, Path benchJar, int first, int big, int concurrency,
                                    int connectWarmup, int probePairs, double probeRate, double probeSeconds, SoloProfile profile)
      throws Exception {
    boolean bare = system.equals("bare");
    List<Ws[]> probe = bare ? pairsOf(bareSockets(bench, server.port(), probePairs, "probe")) : matchedPairs(bench, server.port(), probePairs);
    JsonObject out = new JsonObject().put("pid", server.pid()).put("openFilesLimit", Proc.maxOpenFiles(server.pid()));
    List<Capacity.Worker> workers = new ArrayList<>();
    String uri = bare ? "/relay" : "";
    long heap0;
    long rss0;
    try {
      Capacity.Worker w0 = Capacity.Worker.start(benchJar, bench.runDir, system + "-client-1", 0, "127.0.0.2", server.port(), server.port(),
          first, concurrency, uri, connectWarmup);
      workers.add(w0);
      w0.expect("TOKENS", Duration.ofSeconds(600));
      // the baseline after the warm-up sockets came and went (what they left behind is not charged to the ramp)
      Thread.sleep(1000);
      long[] heapBefore = Proc.heapAfterGcKib(server.pid());
      heap0 = heapBefore[0];
      rss0 = Proc.rssKib(server.pid());
      out.put("liveHeapKiBBefore", heap0).put("committedHeapKiBBefore", heapBefore[1]).put("rssKiBBefore", rss0);
      Proc.CpuWindow cpu = new Proc.CpuWindow().add(system, server.pid()).add("client-1", w0.process.pid()).start();
      if (profile != null) profile.start();
      long go = System.nanoTime();
      w0.send("GO");
      String[] f = w0.expect("CONNECTED", Duration.ofSeconds(600)).split(" ");
      double seconds = (System.nanoTime() - go) / 1e9;
      if (profile != null) profile.stop("connects");
      long connected = Long.parseLong(f[1]);
      out.put("connect", new JsonObject().put("sockets", connected).put("failed", Long.parseLong(f[2])).put("seconds", seconds)
          .put("connectsPerSecond", connected / seconds).put("cpuPercentOfOneCore", cpu.stop()).put("busyRetries", busyRetries(f)));
      System.out.printf(Locale.ROOT, "%s: %,d sockets in %.2f s = %,.0f connects/s (%s failed, %d handshakes answered 503 and retried)%n",
          system, connected, seconds, connected / seconds, f[2], busyRetries(f));
      Thread.sleep(2000);
      out.put("atFirst", memory(server.pid(), connected, heap0, rss0, system));
      long total = connected;
      if (big > first) {
        int rest = big - first;
        int n = (rest + SOCKETS_PER_WORKER - 1) / SOCKETS_PER_WORKER;
        List<Capacity.Worker> more = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int count = rest / n + (i < rest % n ? 1 : 0);
          Capacity.Worker w = Capacity.Worker.start(benchJar, bench.runDir, system + "-client-" + (i + 2), i + 1, "127.0.0." + (3 + i),
              server.port(), server.port(), count, concurrency, uri);
          workers.add(w);
          more.add(w);
        }
        for (Capacity.Worker w : more) w.expect("TOKENS", Duration.ofSeconds(300));
        for (Capacity.Worker w : more) w.send("GO");
        long failedBig = 0;
        long retriedBig = 0;
        for (Capacity.Worker w : more) {
          String[] c = w.expect("CONNECTED", Duration.ofSeconds(600)).split(" ");
          total += Long.parseLong(c[1]);
          failedBig += Long.parseLong(c[2]);
          retriedBig += busyRetries(c);
        }
        Thread.sleep(2000);
        out.put("atBig", memory(server.pid(), total, heap0, rss0, system).put("failedHandshakes", failedBig).put("busyRetries", retriedBig));
        System.out.printf(Locale.ROOT, "%s: %,d handshakes failed on the way to %,d sockets; %,d answered 503 and retried%n", system, failedBig, big, retriedBig);
        if (profile != null) profile.start();
        Latency full = probe(probe, bare, probeRate, probeSeconds);
        if (profile != null) profile.stop("full-probe");
        out.put("fullProbe", full.summary().toJson().put("pairs", probePairs).put("rate", probeRate).put("seconds", probeSeconds));
        System.out.println(system + " relay probe while holding " + total + " sockets: " + full.summary().line());
      }
      long open = 0;
      for (Capacity.Worker w : workers) {
        w.send("STATUS");
        open += Long.parseLong(w.expect("STATUS", Duration.ofSeconds(30)).split(" ")[1]);
      }
      out.put("openAtEnd", open).put("dropped", total - open);
    } finally {
      for (Capacity.Worker w : workers) w.stop();
      Future.join(probe.stream().flatMap(p -> java.util.stream.Stream.of(p[0].close(), p[1].close())).toList()).await(30, TimeUnit.SECONDS);
    }
    return out;
  }

  /**
   * Live heap and RSS per socket against the baseline, both read after a full GC ({@code jcmd GC.run}); the
   * committed heap beside the live one shows how much of the RSS is heap the JVM keeps but does not use.
   */
  private static JsonObject memory(long pid, long sockets, long heap0, long rss0, String system) throws Exception {
    long[] heapNow = Proc.heapAfterGcKib(pid);
    long heap = heapNow[0];
    long rss = Proc.rssKib(pid);
    double heapPer = (heap - heap0) / (double) Math.max(1, sockets);
    double rssPer = (rss - rss0) / (double) Math.max(1, sockets);
    System.out.printf(Locale.ROOT, "%s with %,d idle sockets: live heap %.2f KiB/socket, RSS %.2f KiB/socket (live heap %,d KiB, committed %,d KiB, RSS %,d KiB)%n",
        system, sockets, heapPer, rssPer, heap, heapNow[1], rss);
    return new JsonObject().put("sockets", sockets).put("liveHeapKiB", heap).put("committedHeapKiB", heapNow[1]).put("rssKiB", rss)
        .put("heapKiBPerSocket", heapPer).put("rssKiBPerSocket", rssPer);
  }

  private static List<Ws[]> matchedPairs(Bench bench, int port, int n) throws Exception {
    List<Ws[]> pairs = pairsOf(connectTandem(bench, port, 2 * n));
    for (Ws[] p : pairs) Bench.pair(p[0], p[1]);
    return pairs;
  }

  /**
   * Candidates on a schedule ({@code rate}/s over the pairs, directions alternating), each awaited
   * before the next; latency from the intended send time, so a stall counts for every message it delays.
   */
  static Latency probe(List<Ws[]> pairs, boolean bare, double rate, double seconds) throws Exception {
    Latency l = new Latency();
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long n = (long) (rate * seconds);
    for (long k = 0; k < n; k++) {
      long due = start + k * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      Ws[] p = pairs.get((int) (k % pairs.size()));
      boolean forward = (k / pairs.size()) % 2 == 0;
      Ws from = forward ? p[0] : p[1];
      Ws to = forward ? p[1] : p[0];
      String sid = bare ? "probe" : ((JsonObject) from.state).getString("sessionId");
      to.clearInbox();
      from.send(Frames.candidate(sid, "candidate:" + k + " 1 udp 2122260223 127.0.0.1 50000 typ host"));
      Ws.Frame f = to.await(bare ? "send-candidate" : "candidate", Duration.ofSeconds(30));
      l.recordNanos(f.nanos() - due);
    }
    return l;
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    s.sort(Double::compare);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static double med(Rounds r, java.util.function.ToDoubleFunction<CallCycles.Stats> f) {
    return median(r.stats.stream().map(s -> f.applyAsDouble(s)).toList());
  }

  /** The table with the floors and ratios, as checks (goal = target) and as a printed table. */
  private static void report(Outcome out, RedisFloor.Result rf, Map<String, Rounds> results, JsonObject bareSockets, JsonObject launcherSockets,
                             int first, int big) {
    Rounds l = results.get("launcher");
    Rounds c = results.get("clustered");
    Rounds b = results.get("bare");
    double evalP50 = rf.evalsha().summary().p50();
    double evalP99 = rf.evalsha().summary().p99();
    double pingP50 = rf.ping().summary().p50();
    double lm50 = med(l, s -> s.match.summary().p50());
    double lm99 = med(l, s -> s.match.summary().p99());
    double bm50 = med(b, s -> s.match.summary().p50());
    double bm99 = med(b, s -> s.match.summary().p99());
    double lc50 = med(l, s -> s.candidate.summary().p50());
    double lc99 = med(l, s -> s.candidate.summary().p99());
    double bc50 = med(b, s -> s.candidate.summary().p50());
    double bc99 = med(b, s -> s.candidate.summary().p99());
    double lRate = med(l, CallCycles.Stats::cyclesPerSecond);
    double bRate = med(b, CallCycles.Stats::cyclesPerSecond);
    double lCpu = median(l.serverCpuMsPerCycle);
    double bCpu = median(b.serverCpuMsPerCycle);
    double lRedis = median(l.redisCpuMsPerCycle);
    double evalCpuMs = rf.redisCpuMicrosPerEvalsha() / 1000;
    List<Row> rows = new ArrayList<>();
    String clusteredMatch = c == null ? "-" : pair(med(c, s -> s.match.summary().p50()), med(c, s -> s.match.summary().p99()));
    rows.add(new Row("time to match p50 / p99", pair(lm50, lm99), clusteredMatch,
        "bare hop " + pair(bm50, bm99) + "; EVALSHA " + pair(evalP50, evalP99) + " (PING p50 " + Latency.fmt(pingP50) + ")",
        String.format(Locale.ROOT, "%.1f× (bare hop + EVALSHA); %.0f EVALSHA round trips' worth", lm50 / (bm50 + evalP50), lm50 / evalP50),
        "Socket.IO + Redis 0.63 / 2.74 ms", "≤ 0.45 / ≤ 1.5 ms", lm50 <= GOAL_MATCH_P50_MS && lm99 <= GOAL_MATCH_P99_MS));
    String clusteredCand = c == null ? "-" : pair(med(c, s -> s.candidate.summary().p50()), med(c, s -> s.candidate.summary().p99()));
    rows.add(new Row("candidate relay p50 / p99", pair(lc50, lc99), clusteredCand, "bare relay " + pair(bc50, bc99),
        String.format(Locale.ROOT, "%.1f× / %.1f×", lc50 / bc50, lc99 / bc99), "Socket.IO + Redis 0.25 ms; PeerJS 0.20 ms (p50)", "≤ 0.16 / ≤ 1.5 ms",
        lc50 <= GOAL_CANDIDATE_P50_MS && lc99 <= GOAL_CANDIDATE_P99_MS));
    rows.add(new Row("whole call cycles/s, one client loop", String.format(Locale.ROOT, "%.0f", lRate),
        c == null ? "-" : String.format(Locale.ROOT, "%.0f", med(c, CallCycles.Stats::cyclesPerSecond)),
        String.format(Locale.ROOT, "bare relay %.0f", bRate), String.format(Locale.ROOT, "%.2f× the bare rate", lRate / bRate), "Socket.IO + Redis 742–791",
        "≥ 1.2× the peer (≥ 950)",
        lRate >= GOAL_CYCLES_PER_SECOND));
    rows.add(new Row("server CPU per call cycle / Redis CPU per cycle", String.format(Locale.ROOT, "%.2f / %.3f ms", lCpu, lRedis),
        c == null ? "-" : String.format(Locale.ROOT, "%.2f / %.3f ms", median(c.serverCpuMsPerCycle), median(c.redisCpuMsPerCycle)),
        String.format(Locale.ROOT, "bare relay %.3f ms; trivial EVALSHA %.1f µs", bCpu, rf.redisCpuMicrosPerEvalsha()),
        String.format(Locale.ROOT, "%.1f× / %.0f trivial EVALSHAs' worth", lCpu / bCpu, lRedis / evalCpuMs), "Socket.IO + Redis 0.84 / 0.14 ms",
        "≤ 0.45 / ≤ 0.12 ms (≤ 10 EVALSHAs)",
        lCpu <= GOAL_SERVER_CPU_MS_PER_CYCLE && lRedis <= GOAL_REDIS_CPU_MS_PER_CYCLE));
    double lConn = launcherSockets.getJsonObject("connect").getDouble("connectsPerSecond");
    double bConn = bareSockets.getJsonObject("connect").getDouble("connectsPerSecond");
    rows.add(new Row(String.format(Locale.ROOT, "WebSocket connects/s (%,d sockets, tokens fetched first)", first), String.format(Locale.ROOT, "%,.0f", lConn), "-",
        String.format(Locale.ROOT, "bare relay %,.0f", bConn), String.format(Locale.ROOT, "%.2f× the bare rate", lConn / bConn), "Socket.IO + Redis 1,387; PeerJS 2,277", "≥ 2,300 warm",
        lConn >= GOAL_CONNECTS_PER_SECOND));
    for (String at : big > first ? List.of("atFirst", "atBig") : List.of("atFirst")) {
      JsonObject lm = launcherSockets.getJsonObject(at);
      JsonObject bmem = bareSockets.getJsonObject(at);
      double rss = lm.getDouble("rssKiBPerSocket");
      double heap = lm.getDouble("heapKiBPerSocket");
      rows.add(new Row(String.format(Locale.ROOT, "memory per idle socket at %,d: RSS (heap)", lm.getLong("sockets")),
          String.format(Locale.ROOT, "%.1f KiB (%.1f KiB)", rss, heap), "-",
          String.format(Locale.ROOT, "bare relay %.1f KiB (%.1f KiB)", bmem.getDouble("rssKiBPerSocket"), bmem.getDouble("heapKiBPerSocket")),
          String.format(Locale.ROOT, "%.1f× (%.1f×)", rss / bmem.getDouble("rssKiBPerSocket"), heap / bmem.getDouble("heapKiBPerSocket")),
          "Socket.IO + Redis 9.1 KiB; PeerJS 9.5 KiB (RSS)", "≤ 10 KiB RSS, heap ≤ 1.2× the bare server's",
          rss <= GOAL_RSS_KIB_PER_SOCKET && heap <= GOAL_HEAP_RATIO * bmem.getDouble("heapKiBPerSocket")));
    }
    if (big > first) {
      JsonObject lp = launcherSockets.getJsonObject("fullProbe");
      JsonObject bp = bareSockets.getJsonObject("fullProbe");
      rows.add(new Row(String.format(Locale.ROOT, "relay p50 / p99 on a process holding %,d sockets", launcherSockets.getJsonObject("atBig").getLong("sockets")),
          pair(lp.getDouble("p50Ms"), lp.getDouble("p99Ms")), "-", "bare relay " + pair(bp.getDouble("p50Ms"), bp.getDouble("p99Ms")),
          String.format(Locale.ROOT, "%.1f× / %.1f×", lp.getDouble("p50Ms") / bp.getDouble("p50Ms"), lp.getDouble("p99Ms") / bp.getDouble("p99Ms")),
          "-", "p99 ≤ 5 ms", lp.getDouble("p99Ms") <= GOAL_FULL_RELAY_P99_MS));
    }
    JsonArray table = new JsonArray();
    for (Row r : rows) {
      out.checks.add(new Check(r.figure, r.goal, "launcher " + r.launcher + (r.clustered.equals("-") ? "" : "; clustered " + r.clustered)
          + "; floor " + r.floor + "; " + r.ratio, r.met ? Check.Verdict.PASS : Check.Verdict.MISS));
      table.add(new JsonObject().put("figure", r.figure).put("launcher", r.launcher).put("clustered", r.clustered).put("floor", r.floor)
          .put("ratio", r.ratio).put("peer", r.peer).put("goal", r.goal).put("met", r.met));
    }
    long failures = results.values().stream().flatMap(r -> r.stats.stream()).mapToLong(s -> s.failures).sum();
    out.checks.add(Check.zero("call cycles that failed (timeouts, wrong pairing)", failures));
    long dropped = bareSockets.getLong("dropped", 0L) + launcherSockets.getLong("dropped", 0L);
    out.checks.add(Check.zero("idle sockets dropped while held", dropped));
    out.details.put("table", table);
    System.out.println();
    System.out.println("| figure | Tandem launcher | Tandem clustered | floor (same run) | launcher ÷ floor | peers (issue 25, same machine) | goal |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      System.out.printf(Locale.ROOT, "| %s | %s%s | %s | %s | %s | %s | %s |%n", r.figure, r.launcher, r.met ? "" : " (missed)", r.clustered, r.floor,
          r.ratio, r.peer, r.goal);
    }
  }

  private static String pair(double p50, double p99) {
    return Latency.fmt(p50).replace(" ms", "") + " / " + Latency.fmt(p99);
  }

  private record Row(String figure, String launcher, String clustered, String floor, String ratio, String peer, String goal, boolean met) {}
}
