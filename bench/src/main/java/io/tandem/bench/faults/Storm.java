package io.tandem.bench.faults;

import io.tandem.bench.load.CapacityWorker;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Parallel;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.ReconnectPolicy;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Signals;
import io.tandem.bench.run.Svg;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.tandem.common.Limits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Issue 25's reconnect storm: gateway-1 holds {@code --sockets} sockets in calls (both users of each
 * call on it), gateway-2 holds {@code --control-calls} calls of its own; gateway-1 is killed with
 * SIGKILL and its users come back to gateway-2 as the web client does ({@link StormUser}) and resume
 * their calls. Prints connects/s and resumes/s for each second of the storm, the share of calls whose
 * two users both resumed within {@code RESUME_GRACE_MS} of the kill, time to {@code resumed}, and the
 * sockets gateway-2 dropped (must be none). Every resumed call then relays a candidate.
 */
public final class Storm implements Scenario {
  /** The goal: calls resumed within the grace window, percent. */
  public static final double GOAL_RESUMED_PERCENT = 99;
  /** The services' env for this scenario: tokens outlive the set-up of 10,000 sockets. */
  static final Map<String, String> ENV = Map.of("ACCESS_TOKEN_TTL_SECONDS", "1800");
  /** How long to wait after the last resume before counting drops on the surviving gateway (its dead-node sweep runs meanwhile). */
  static final long SETTLE_MS = 3_000;

  @Override
  public String name() {
    return "storm";
  }

  @Override
  public String summary() {
    return "reconnect storm: kill -9 of a gateway holding --sockets sockets in calls; its users reconnect to the other with the web client's "
        + "backoff and resume (goal >= 99% of calls resumed within RESUME_GRACE_MS, no socket of the survivor dropped)";
  }

  @Override
  public void declare(Options o) {
    o.declare("sockets", "10000", "sockets on the gateway that is killed (both users of each call on it: sockets/2 calls)")
        .declare("control-calls", "250", "calls on the surviving gateway (none may drop)")
        .declare("warmup-sockets", "2000", "sockets opened and closed on the surviving gateway first: a gateway that has been serving has its handshake path compiled")
        .declare("concurrency", "128", "handshakes in flight while setting up")
        .declare("join-rate", "300", "joins per second while setting up (a refused join is sent again after 1.5 s)")
        .declare("grace-ms", Integer.toString(Limits.RESUME_GRACE_MS), "RESUME_GRACE_MS given to the services (the goal's bound)")
        .declare("matchmakers", "1", "matchmaker processes")
        .declare("gateway-xmx", "1g", "-Xmx of each gateway")
        .declare("thread-dumps", "", "ms after the kill at which to write the surviving gateway's threads (jcmd Thread.print) to the run folder, e.g. 1500,3000");
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    int sockets = o.integer("sockets", 4, 19_000) / 2 * 2;
    int controlCalls = o.integer("control-calls", 1, 5_000);
    int concurrency = o.integer("concurrency", 1, 2_000);
    double joinRate = o.decimal("join-rate", 10, 20_000);
    int graceMs = o.integer("grace-ms", 1_000, Limits.RESUME_GRACE_MAX_MS);
    Map<String, String> env = new LinkedHashMap<>(ENV);
    env.put("RESUME_GRACE_MS", Integer.toString(graceMs));
    Topology.Spec spec = Topology.Spec.of(2, o.integer("matchmakers", 1, 4)).withGatewayXmx(o.str("gateway-xmx")).withEnv(env);
    Outcome out = new Outcome(name());
    out.topology = spec.describe() + "; gateways -Xmx" + o.str("gateway-xmx") + "; RESUME_GRACE_MS " + graceMs;
    Topology topo = bench.start(spec);
    Topology.Child victim = topo.gateways().get(0);
    Topology.Child survivor = topo.gateways().get(1);
    StormUser.Shared shared = new StormUser.Shared(bench.vertx, bench.ws, survivor.port(), 1);

    long setup0 = System.nanoTime();
    int warmup = o.integer("warmup-sockets", 0, 19_000);
    if (warmup > 0) {
      List<Ws> warm = bench.connectBlocking(bench.fetchTokens(warmup), i -> 1);
      Future.join(warm.stream().map(Ws::close).toList()).await(60, TimeUnit.SECONDS);
      System.out.printf(Locale.ROOT, "warm-up: %,d sockets opened and closed on %s%n", warmup, survivor.role());
    }
    List<StormUser> control = callsOn(bench, shared, 1, 2 * controlCalls, concurrency, joinRate);
    List<StormUser> users = callsOn(bench, shared, 0, sockets, concurrency, joinRate);
    Map<String, List<StormUser>> calls = new LinkedHashMap<>();
    for (StormUser u : users) if (u.sessionId() != null) calls.computeIfAbsent(u.sessionId(), k -> new ArrayList<>()).add(u);
    calls.values().removeIf(c -> c.size() != 2);
    List<StormUser> inCalls = calls.values().stream().flatMap(List::stream).toList();
    java.util.Set<StormUser> inCall = new java.util.HashSet<>(inCalls);
    // users left without a call (none, normally) say goodbye before the fault, so they are not counted
    for (StormUser u : users) if (!inCall.contains(u)) u.ws().close();
    System.out.printf(Locale.ROOT, "set-up in %.1f s: %,d calls (%,d sockets) on %s, %,d calls on %s%n", (System.nanoTime() - setup0) / 1e9,
        calls.size(), inCalls.size(), victim.role(), control.size() / 2, survivor.role());
    Thread.sleep(2_000); // match confirmations and presence settle
    long openBefore = inCalls.stream().filter(u -> !u.ws().isClosed()).count();

    Proc.CpuWindow cpu = topo.cpuWindow();
    cpu.start();
    long jit0 = Proc.jitMillis(survivor.pid());
    bench.resetRedisStats();
    io.tandem.bench.run.RedisCli redisCli = new io.tandem.bench.run.RedisCli(topo.redisPort());
    redisCli.call("SLOWLOG", "RESET");
    bench.startProfiles();
    inCalls.forEach(StormUser::arm);
    long t0 = System.nanoTime();
    shared.timeline = new StormTimeline(t0);
    shared.deadlineNanos = t0 + (graceMs + ReconnectPolicy.RESUME_MARGIN_MS) * 1_000_000L;
    Signals.kill9(victim);
    threadDumps(bench, survivor, t0, o.str("thread-dumps"));
    System.out.printf(Locale.ROOT, "%s (pid %d) killed with SIGKILL; its %,d users come back to %s%n", victim.role(), victim.pid(),
        inCalls.size(), survivor.role());
    while (shared.finished.get() < inCalls.size() && System.nanoTime() < shared.deadlineNanos) Thread.sleep(50);
    inCalls.forEach(StormUser::giveUp);
    double stormSeconds = (System.nanoTime() - t0) / 1e9;
    Thread.sleep(SETTLE_MS);
    bench.stopProfiles("storm");
    JsonObject cpuJson = cpu.stop();
    long survivorJitMs = Proc.jitMillis(survivor.pid()) - jit0;
    JsonObject redisStats = bench.redisCommandStats();
    // Redis commands and scripts slower than 10 ms during the storm (Redis's default slowlog threshold)
    String slowlog = String.valueOf(redisCli.call("SLOWLOG", "GET", "20"));
    System.out.println("redis SLOWLOG (>= 10 ms) during the storm: " + (slowlog.length() > 800 ? slowlog.substring(0, 800) + " ..." : slowlog));

    List<List<StormUser>> resumedCalls = calls.values().stream()
        .filter(c -> c.stream().allMatch(u -> u.outcome() == StormUser.Outcome.RESUMED)).toList();
    long graceNanos = graceMs * 1_000_000L;
    long inGrace = resumedCalls.stream().filter(c -> c.stream().allMatch(u -> u.resumedNanos() - t0 <= graceNanos)).count();
    double percent = calls.isEmpty() ? 0 : 100.0 * inGrace / calls.size();
    Latency toResumed = new Latency();
    Latency openToResumed = new Latency();
    inCalls.stream().filter(u -> u.outcome() == StormUser.Outcome.RESUMED).forEach(u -> {
      toResumed.recordNanos(u.resumedNanos() - t0);
      openToResumed.recordNanos(u.resumedNanos() - u.openedNanos());
    });
    int relayed = relay(resumedCalls, shared);
    long controlDropped = control.stream().filter(u -> u.ws().isClosed()).count();
    StormTimeline tl = shared.timeline;

    Latency.Summary s = toResumed.summary();
    int span = Math.max(1, tl.span());
    System.out.println("per second after the kill (connects: sockets opened on " + survivor.role() + "; refused: handshakes answered 503):");
    System.out.print(tl.table());
    System.out.printf(Locale.ROOT, "%,d of %,d calls resumed within %,d ms (%.2f%%); time to resumed p50 %s p99 %s max %s; %s dropped %d of its %d sockets%n",
        inGrace, calls.size(), graceMs, percent, Latency.fmt(s.p50()), Latency.fmt(s.p99()), Latency.fmt(s.max()), survivor.role(), controlDropped,
        control.size());

    out.check(Check.atLeast("calls resumed (both users) within RESUME_GRACE_MS of the kill", Math.round(percent * 100) / 100.0,
        GOAL_RESUMED_PERCENT, "%"));
    out.check(Check.info("calls resumed (both users) before the web client gives up (RESUME_GRACE_MS + its 6 s margin; the server's window "
        + "for a dead gateway starts at its detection)", String.format(Locale.ROOT, "%.2f %%", calls.isEmpty() ? 0 : 100.0 * resumedCalls.size() / calls.size())));
    out.check(Check.zero("sockets of the surviving gateway dropped", controlDropped));
    out.check(Check.zero("resumed sockets dropped afterwards", shared.droppedAfterResume.get()));
    out.check(Check.zero("resumed calls whose candidate did not arrive", resumedCalls.size() - relayed));
    out.check(Check.info("time to resumed (from the kill) p50 / p99 / max", Latency.fmt(s.p50()) + " / " + Latency.fmt(s.p99()) + " / "
        + Latency.fmt(s.max())));
    Latency.Summary or = openToResumed.summary();
    out.check(Check.info("new socket open to resumed p50 / p99 / max", Latency.fmt(or.p50()) + " / " + Latency.fmt(or.p99()) + " / "
        + Latency.fmt(or.max())));
    out.check(Check.info("connects/s on the surviving gateway: peak / mean over the storm", tl.peak(StormTimeline.Kind.CONNECTED) + " / "
        + Math.round(tl.total(StormTimeline.Kind.CONNECTED) / (double) span)));
    out.check(Check.info("resumes/s: peak / mean over the storm", tl.peak(StormTimeline.Kind.RESUMED) + " / "
        + Math.round(tl.total(StormTimeline.Kind.RESUMED) / (double) span)));
    out.check(Check.info("handshakes refused (503) / failed otherwise, retried with backoff", tl.total(StormTimeline.Kind.REFUSED) + " / "
        + tl.total(StormTimeline.Kind.FAILED)));
    out.check(Check.info("users: resumed / session-gone / gave up", count(inCalls, StormUser.Outcome.RESUMED) + " / "
        + count(inCalls, StormUser.Outcome.SESSION_GONE) + " / " + count(inCalls, StormUser.Outcome.GAVE_UP)));
    out.check(Check.info("CPU of the surviving gateway during the storm (its JIT compiler's part), % of one core",
        cpuJson.getValue(survivor.role()) + " (" + Math.round(survivorJitMs * 100.0 / (stormSeconds * 1000 + SETTLE_MS)) + ")"));
    out.check(Check.info("errors seen by the users (by code); resume sent again", shared.errors + "; " + shared.resumeRetries.get()));
    out.headline("time to resumed (from the kill)", toResumed);
    out.targets.add(new Svg.TargetLine("RESUME_GRACE_MS", graceMs));
    out.details.put("timeline", tl.toJson()).put("cpuPercentOfOneCore", cpuJson).put("survivorJitMs", survivorJitMs)
        .put("redisCommandStats", redisStats).put("redisSlowlog", slowlog)
        .put("calls", new JsonObject().put("onVictim", calls.size()).put("resumedInGrace", inGrace).put("resumedPercent", percent)
            .put("resumedAtAll", resumedCalls.size()).put("relayedAfterResume", relayed).put("controlCalls", control.size() / 2)
            .put("controlSocketsDropped", controlDropped).put("victimSocketsOpenAtKill", openBefore))
        .put("users", new JsonObject().put("resumed", count(inCalls, StormUser.Outcome.RESUMED))
            .put("sessionGone", count(inCalls, StormUser.Outcome.SESSION_GONE)).put("gaveUp", count(inCalls, StormUser.Outcome.GAVE_UP))
            .put("droppedAfterResume", shared.droppedAfterResume.get()).put("resumeRetries", shared.resumeRetries.get())
            .put("errors", new JsonObject(new LinkedHashMap<>(shared.errors))).put("setupErrors", new JsonObject(new LinkedHashMap<>(shared.setupErrors))).put("peerNotices", new JsonObject(new LinkedHashMap<>(shared.peerNotices)))
            .put("connectsPerUserMax", inCalls.stream().mapToInt(StormUser::connects).max().orElse(0)))
        .put("timeToResumed", s.toJson()).put("openToResumed", or.toJson()).put("stormSeconds", stormSeconds);
    out.note("Time to resumed counts from the SIGKILL to the user's `resumed` frame; a call counts as resumed in time when both of its users "
        + "got `resumed` within RESUME_GRACE_MS of the kill (the server's window starts only when it detects the dead gateway, later). "
        + "Reconnects follow the web client: 0-500 ms jitter, then 1 s, 2 s backoff (+-20%) for attempts that do not open; tokens are reused "
        + "(valid 30 min here), where a browser would refresh one after two refused attempts.");
    Future.join(java.util.stream.Stream.concat(inCalls.stream(), control.stream()).map(u -> u.ws().close()).toList())
        .await(60, TimeUnit.SECONDS);
    return out;
  }

  /**
   * {@code n} users on gateway {@code g}, each in a call with another of them: tokens, sockets (503s
   * retried with the web client's backoff), joins at {@code joinRate}, until everyone is matched.
   */
  static List<StormUser> callsOn(Bench bench, StormUser.Shared shared, int g, int n, int concurrency, double joinRate) throws Exception {
    long t0 = System.nanoTime();
    List<Tokens.Token> tokens = bench.fetchTokens(n);
    double tokenSeconds = (System.nanoTime() - t0) / 1e9;
    int port = bench.topology().gatewayPort(g);
    AtomicInteger refused = new AtomicInteger();
    long c0 = System.nanoTime();
    List<StormUser> users = Parallel.map(n, concurrency, i -> CapacityWorker.connectRetrying(bench.vertx,
            () -> Ws.connect(bench.ws, port, g, tokens.get(i)), 20, refused).map(w -> new StormUser(shared, tokens.get(i)).attach(w)))
        .await(Math.max(120, n / 20), TimeUnit.SECONDS);
    double connectSeconds = (System.nanoTime() - c0) / 1e9;
    long j0 = System.nanoTime();
    long gapNanos = (long) (1e9 / joinRate);
    for (int i = 0; i < users.size(); i++) {
      long due = j0 + i * gapNanos;
      long wait = due - System.nanoTime();
      if (wait > 1_000_000) Thread.sleep(wait / 1_000_000);
      users.get(i).ws().send(Frames.join());
    }
    Predicate<StormUser> matched = u -> u.sessionId() != null;
    long deadline = System.nanoTime() + Math.max(30_000, n * 5L) * 1_000_000L;
    while (System.nanoTime() < deadline && !users.stream().allMatch(matched)) Thread.sleep(100);
    long ok = users.stream().filter(matched).count();
    System.out.printf(Locale.ROOT, "gateway-%d: %,d tokens in %.1f s, %,d sockets in %.1f s (%,d handshakes answered 503 and retried), "
            + "%,d of them matched %.1f s after the first join%n", g + 1, n, tokenSeconds, users.size(), connectSeconds, refused.get(), ok,
        (System.nanoTime() - j0) / 1e9);
    return users;
  }

  /** Each resumed call's caller sends a candidate; returns how many arrived at the callee within a few seconds. */
  private static int relay(List<List<StormUser>> resumed, StormUser.Shared shared) throws InterruptedException {
    int before = shared.candidatesDelivered.get();
    long t0 = System.nanoTime();
    for (int i = 0; i < resumed.size(); i++) {
      StormUser caller = resumed.get(i).stream().filter(u -> "caller".equals(u.role())).findFirst().orElse(resumed.get(i).get(0));
      caller.ws().send(Frames.candidate(caller.sessionId(), "candidate:1 1 udp 2122260223 127.0.0.1 " + (10_000 + i % 50_000) + " typ host"));
      if (i % 500 == 499) Thread.sleep(250); // about 2,000/s
    }
    long deadline = t0 + 10_000_000_000L;
    while (shared.candidatesDelivered.get() - before < resumed.size() && System.nanoTime() < deadline) Thread.sleep(50);
    return shared.candidatesDelivered.get() - before;
  }

  /** Writes {@code jcmd Thread.print} of {@code c} at each of the given ms after {@code t0}, from a thread of its own. */
  private static void threadDumps(Bench bench, Topology.Child c, long t0, String spec) {
    if (spec.isBlank()) return;
    List<Long> at = java.util.Arrays.stream(spec.split(",")).map(String::trim).map(Long::parseLong).sorted().toList();
    Thread t = new Thread(() -> {
      for (long ms : at) {
        try {
          long wait = t0 + ms * 1_000_000L - System.nanoTime();
          if (wait > 0) Thread.sleep(wait / 1_000_000L);
          java.nio.file.Files.writeString(bench.runDir.resolve(c.role() + "-threads-" + ms + "ms.txt"), Proc.jcmd(c.pid(), "Thread.print"));
        } catch (Exception e) {
          System.out.println("thread dump at " + ms + " ms failed: " + e);
        }
      }
    }, "storm-thread-dumps");
    t.setDaemon(true);
    t.start();
  }

  private static long count(List<StormUser> users, StormUser.Outcome o) {
    return users.stream().filter(u -> u.outcome() == o).count();
  }
}
