package io.tandem.bench.load;

import io.tandem.bench.crowd.InvariantChecker;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Pacer;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Schedule;
import io.tandem.bench.run.Svg;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady arrival rate of joins across the gateways (open loop). Time to match is measured from
 * the <em>intended</em> arrival time of the later of the two joiners to the moment both hold
 * {@code matched}: a late sender, a late socket or an exhausted client pool counts against the
 * service, not for it (no coordinated omission).
 *
 * <p>Two ways to supply the arrivals:
 * <ul>
 *   <li>{@code reuse} (default): a pool of connected users; an arrival is an idle user pressing
 *       Start/Next ({@code join-queue}); once both members of a session hold {@code matched}, the
 *       caller sends {@code end-call} and both return to the pool. Each user joins at most once per
 *       {@code --join-interval-ms}, inside the gateway's per-socket budget (1 join/s, burst 3).
 *       This isolates matchmaking from connection set-up.</li>
 *   <li>{@code fresh}: every arrival is a new user — token fetched before the phase, socket
 *       connected {@code --lead-ms} ahead of its arrival, closed once its session is complete — so
 *       the gateways also pay a WebSocket handshake (RS256 token check, Redis registration) per join.</li>
 * </ul>
 */
public final class SustainedJoins implements Scenario {
  static final double TARGET_P99_MS = 50;
  /** A join sent this much after its intended time counts as starved (no idle user was free). */
  static final long STARVED_NANOS = 5_000_000L;

  @Override
  public String name() {
    return "sustained-joins";
  }

  @Override
  public String summary() {
    return "steady join rates over 2 gateways + 2 matchmakers; CO-free time to match, matches/s, invariants (target p99 <= 50 ms at 1,000 joins/s)";
  }

  @Override
  public void declare(Options o) {
    o.declare("rates", "200,500,1000", "arrival rates to run, joins per second, one phase each")
        .declare("seconds", "20", "length of each phase")
        .declare("mode", "reuse", "reuse = a pool of connected users re-joining (Next); fresh = a new user and socket per join")
        .declare("warmup-seconds", "15", "unmeasured phase first (JIT warm-up of every process)")
        .declare("warmup-rate", "500", "joins per second of the warm-up phase")
        .declare("join-interval-ms", "1100", "reuse: least time between two joins of one user (the gateway allows 1/s, burst 3)")
        .declare("think-ms", "1000", "reuse: plus a random 0..think-ms before an idle user is available again (decorrelates partners)")
        .declare("lead-ms", "1000", "fresh: how long before its arrival each new user's socket is connected")
        .declare("grace-seconds", "10", "wait after the last arrival for outstanding matches")
        .declare("gateways", "2", "gateway processes (users round-robin over them)")
        .declare("matchmakers", "2", "matchmaker processes");
  }

  @Override
  public void allDefaults(Options o) {
    o.defaultTo("seconds", "10");
  }

  /** One user: its socket and its current join. */
  static final class Client {
    final Tokens.Token token;
    final int gateway;
    final InvariantChecker.ClientLog log;
    volatile Ws ws;
    volatile long intended;
    volatile long joinSentNanos;
    volatile long matchedNanos;
    volatile long lastJoinNanos = Long.MIN_VALUE / 2;
    long availableAt;
    volatile long connectStart;
    volatile boolean matchedOnce;
    volatile String sessionId;
    boolean waiting;
    boolean joinDue;
    boolean joinSent;

    Client(Tokens.Token token, int gateway) {
      this.token = token;
      this.gateway = gateway;
      this.log = new InvariantChecker.ClientLog(token.userId());
    }
  }

  /** What one phase measured; the arrival supply is up to the subclass. */
  abstract static class Phase implements Ws.Listener {
    final Bench bench;
    final int rate;
    final List<Client> clients = new ArrayList<>();
    final Latency latency = new Latency();
    final Latency connectTime = new Latency();
    final Latency joinLateness = new Latency();
    final Latency sentToMatched = new Latency();
    final Map<String, Client> halfMatched = new ConcurrentHashMap<>();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final LongAdder sessions = new LongAdder();
    final LongAdder joinsSent = new LongAdder();
    final LongAdder lateJoins = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder unexpectedCloses = new LongAdder();
    final AtomicLong lastMatchNanos = new AtomicLong();
    volatile long firstIntended;
    volatile boolean closing;
    InvariantChecker.Result invariants;
    long maxLagNanos;
    List<String> stalls = List.of();

    Phase(Bench bench, int rate) {
      this.bench = bench;
      this.rate = rate;
    }

    /** Arrival {@code i} is due now (called by the pacer thread). */
    abstract void arrive(long i, long intendedNanos);

    /** Both members of a session hold {@code matched}. */
    abstract void sessionComplete(Client a, Client b);

    void other(Client c, String type, JsonObject data) {}

    void sendJoin(Client c) {
      long now = System.nanoTime();
      c.joinSentNanos = now;
      c.lastJoinNanos = now;
      joinLateness.recordNanos(now - c.intended);
      c.log.joined();
      synchronized (c) {
        c.waiting = true;
      }
      joinsSent.increment();
      c.ws.send(Frames.join());
    }

    @Override
    public void onFrame(Ws ws, String type, JsonObject data, long nanos) {
      Client c = (Client) ws.state;
      switch (type) {
        case "matched" -> {
          String sid = data.getString("sessionId");
          c.log.matched(sid, data.getString("peerId"), data.getString("role"));
          synchronized (c) {
            c.waiting = false;
          }
          c.sessionId = sid;
          c.matchedNanos = nanos;
          c.matchedOnce = true;
          sentToMatched.recordNanos(nanos - c.joinSentNanos);
          Client other = halfMatched.putIfAbsent(sid, c);
          if (other != null) {
            halfMatched.remove(sid);
            long done = Math.max(c.matchedNanos, other.matchedNanos);
            latency.recordNanos(done - Math.max(c.intended, other.intended));
            sessions.increment();
            lastMatchNanos.accumulateAndGet(done, Math::max);
            boolean cIsCaller = "caller".equals(data.getString("role"));
            sessionComplete(cIsCaller ? c : other, cIsCaller ? other : c);
          }
        }
        case "error" -> errors.computeIfAbsent(data.getString("code", "?") + "/" + data.getString("ref", "-"), k -> new LongAdder()).increment();
        default -> other(c, type, data);
      }
    }

    long waiting() {
      long n = 0;
      for (Client c : clients) {
        synchronized (c) {
          if (c.waiting) n++;
        }
      }
      return n;
    }

    long errorCount() {
      return errors.values().stream().mapToLong(LongAdder::sum).sum() + connectFailures.sum() + unexpectedCloses.sum();
    }
  }

  /** Every arrival a new user and socket. */
  static final class FreshPhase extends Phase {
    final int gateways;

    FreshPhase(Bench bench, int rate, List<Tokens.Token> tokens, int gateways) {
      super(bench, rate);
      this.gateways = gateways;
      for (int i = 0; i < tokens.size(); i++) clients.add(new Client(tokens.get(i), i % gateways));
    }

    void connect(long i) {
      Client a = clients.get((int) i);
      a.connectStart = System.nanoTime();
      Ws.connect(bench.ws, bench.topology().gatewayPort(a.gateway), a.gateway, a.token).onComplete(ar -> {
        if (ar.failed()) {
          connectFailures.increment();
          return;
        }
        Ws ws = ar.result();
        connectTime.recordNanos(System.nanoTime() - a.connectStart);
        ws.state = a;
        ws.listener(this);
        synchronized (a) {
          a.ws = ws;
          if (a.joinDue && !a.joinSent) {
            a.joinSent = true;
            sendJoin(a);
          }
        }
      });
    }

    @Override
    void arrive(long i, long intended) {
      Client a = clients.get((int) i);
      a.intended = intended;
      if (i == 0) firstIntended = intended;
      synchronized (a) {
        a.joinDue = true;
        if (a.ws != null) {
          a.joinSent = true;
          sendJoin(a);
        } else {
          lateJoins.increment();
        }
      }
    }

    @Override
    void sessionComplete(Client caller, Client callee) {
      caller.ws.close();
      callee.ws.close();
    }

    @Override
    public void onClose(Ws ws) {
      Client c = (Client) ws.state;
      if (!c.matchedOnce && !closing) unexpectedCloses.increment();
    }
  }

  /** A pool of connected users; an arrival is an idle user pressing Start/Next. */
  static final class ReusePhase extends Phase {
    final long joinIntervalNanos;
    final long thinkNanos;
    /** Idle users by the time they may join again; guarded by {@link #pending}. */
    final java.util.PriorityQueue<Client> idle = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(c -> c.availableAt));
    final ArrayDeque<Long> pending = new ArrayDeque<>();
    final LongAdder starved = new LongAdder();
    private boolean retryScheduled;

    ReusePhase(Bench bench, int rate, List<Ws> pool, long joinIntervalNanos, long thinkNanos) {
      super(bench, rate);
      this.joinIntervalNanos = joinIntervalNanos;
      this.thinkNanos = thinkNanos;
      long now = System.nanoTime();
      for (Ws w : pool) {
        Client c = new Client(w.token, w.gateway);
        c.ws = w;
        w.state = c;
        w.listener(this);
        c.availableAt = now;
        clients.add(c);
        idle.add(c);
      }
    }

    @Override
    void arrive(long i, long intended) {
      if (i == 0) firstIntended = intended;
      synchronized (pending) {
        pending.add(intended);
      }
      dispatch();
    }

    /** A user whose call ended becomes available again after its join interval plus a random think time. */
    void release(Client c) {
      long ready = Math.max(c.lastJoinNanos + joinIntervalNanos, System.nanoTime())
          + (thinkNanos > 0 ? java.util.concurrent.ThreadLocalRandom.current().nextLong(thinkNanos) : 0);
      synchronized (pending) {
        c.availableAt = ready;
        idle.add(c);
      }
      dispatch();
    }

    /** Serves waiting arrivals with idle users whose join budget allows it. */
    void dispatch() {
      synchronized (pending) {
        while (!pending.isEmpty()) {
          Client c = idle.peek();
          long now = System.nanoTime();
          if (c == null) return; // pool exhausted; a returning user calls dispatch again
          long wait = c.availableAt - now;
          if (wait > 0) {
            if (!retryScheduled) {
              retryScheduled = true;
              bench.vertx.setTimer(Math.max(1, wait / 1_000_000L), t -> {
                synchronized (pending) {
                  retryScheduled = false;
                }
                dispatch();
              });
            }
            return;
          }
          idle.poll();
          long intended = pending.poll();
          if (now - intended > STARVED_NANOS) starved.increment();
          c.intended = intended;
          sendJoin(c);
        }
      }
    }

    @Override
    void sessionComplete(Client caller, Client callee) {
      caller.ws.send(Frames.endCall(caller.sessionId));
    }

    @Override
    void other(Client c, String type, JsonObject data) {
      if (type.equals("call-ended") || type.equals("peer-disconnected")) {
        c.log.ended();
        if (type.equals("peer-disconnected") && !"left".equals(data.getString("reason"))) {
          errors.computeIfAbsent("peer-disconnected/" + data.getString("reason"), k -> new LongAdder()).increment();
        }
        release(c);
      }
    }

    @Override
    public void onClose(Ws ws) {
      if (!closing) unexpectedCloses.increment();
    }
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    List<Integer> rates = o.integers("rates", 1, 20_000);
    double seconds = o.decimal("seconds", 1, 240);
    double warmup = o.decimal("warmup-seconds", 0, 120);
    String mode = o.str("mode");
    if (!mode.equals("reuse") && !mode.equals("fresh")) throw new IllegalArgumentException("--mode must be reuse or fresh");
    Topology.Spec spec = Topology.Spec.of(o.integer("gateways", 1, 8), o.integer("matchmakers", 1, 8));
    Outcome out = new Outcome(name());
    out.topology = spec.describe();
    bench.start(spec);
    if (warmup > 0) {
      int wr = o.integer("warmup-rate", 1, 20_000);
      Phase w = phase(bench, o, mode, wr, warmup, spec.gateways(), null);
      System.out.printf("warm-up: %d sessions at %d joins/s (not measured)%n", w.sessions.sum(), wr);
    }
    JsonArray phases = new JsonArray();
    for (int ri = 0; ri < rates.size(); ri++) {
      int rate = rates.get(ri);
      boolean profiled = ri == rates.size() - 1; // JFR, when asked for, covers the highest-rate (last) phase
      JsonObject pj = new JsonObject();
      Phase p = phase(bench, o, mode, rate, seconds, spec.gateways(), new Measure(profiled, pj));
      Latency.Summary s = p.latency.summary();
      double window = (p.lastMatchNanos.get() - p.firstIntended) / 1e9;
      double matchesPerSecond = window > 0 ? p.sessions.sum() / window : 0;
      InvariantChecker.Result inv = p.invariants;
      JsonObject errs = new JsonObject();
      p.errors.forEach((k, v) -> errs.put(k, v.sum()));
      pj.put("rate", rate).put("seconds", seconds).put("mode", mode).put("clients", p.clients.size()).put("joinsSent", p.joinsSent.sum())
          .put("sessions", p.sessions.sum()).put("matchesPerSecond", round(matchesPerSecond)).put("offeredMatchesPerSecond", rate / 2.0)
          .put("timeToMatch", s.toJson())
          .put("diagnostics", new JsonObject().put("connectTime", p.connectTime.summary().toJson())
              .put("joinSendLatenessVsSchedule", p.joinLateness.summary().toJson())
              .put("joinSentToOwnMatched", p.sentToMatched.summary().toJson()))
          .put("lateJoins", p.lateJoins.sum()).put("connectFailures", p.connectFailures.sum())
          .put("unexpectedCloses", p.unexpectedCloses.sum()).put("errorFrames", errs)
          .put("maxSenderLagMs", round(p.maxLagNanos / 1e6)).put("senderStallStacks", new JsonArray(new ArrayList<>(p.stalls)))
          .put("invariants", inv.toJson());
      if (p instanceof ReusePhase r) pj.put("starvedJoins", r.starved.sum());
      phases.add(pj);
      String at = String.format(Locale.ROOT, " @ %,d joins/s", rate);
      out.checks.add(Check.atMostMs("time to match p99" + at, s.p99(), TARGET_P99_MS));
      out.checks.add(Check.info("time to match p50 / p95 / max" + at, Latency.fmt(s.p50()) + " / " + Latency.fmt(s.p95()) + " / " + Latency.fmt(s.max())));
      out.checks.add(Check.info("matches/s (offered " + Check.num(rate / 2.0) + ")" + at, Check.num(matchesPerSecond)));
      out.checks.add(Check.zero("invariant violations" + at, inv.total()));
      out.checks.add(Check.zero("errors (error frames, failed connects, dropped sockets)" + at, p.errorCount()));
      out.headline(String.format(Locale.ROOT, "%,d joins/s", rate), p.latency);
    }
    out.details.put("phases", phases);
    out.targets.add(new Svg.TargetLine("target p99 50 ms", TARGET_P99_MS));
    out.note("Time to match is measured from the intended arrival time of the later joiner (open-loop schedule), so sender lag, late sockets and an exhausted pool count.");
    out.note(mode.equals("reuse")
        ? "Mode reuse: connected users re-join (Start/Next) " + o.str("join-interval-ms") + " ms + random 0-" + o.str("think-ms")
            + " ms after their previous join; the caller ends each call once both hold matched."
        : "Mode fresh: every arrival is a new user (token fetched before the phase, socket connected " + o.str("lead-ms") + " ms ahead, closed once matched).");
    return out;
  }

  /** Where a measured phase records its CPU and Redis figures. */
  private record Measure(boolean profiled, JsonObject into) {}

  private Phase phase(Bench bench, Options o, String mode, int rate, double seconds, int gateways, Measure measure) throws Exception {
    long count = Schedule.countFor(rate, seconds);
    Phase p;
    long t0 = System.nanoTime();
    if (mode.equals("fresh")) {
      List<Tokens.Token> tokens = bench.fetchTokens((int) count);
      System.out.printf(Locale.ROOT, "%,d joins/s for %.0f s: %,d new users' tokens fetched in %.1f s%n", rate, seconds, count, (System.nanoTime() - t0) / 1e9);
      p = new FreshPhase(bench, rate, tokens, gateways);
    } else {
      long interval = o.integer("join-interval-ms", 0, 60_000) * 1_000_000L;
      double cycle = Math.max(interval / 1e9, 0.2) + o.integer("think-ms", 0, 60_000) / 2000.0;
      int pool = (int) Math.min(count, Math.ceil(rate * cycle * 1.4) + 100);
      List<Tokens.Token> tokens = bench.fetchTokens(pool);
      List<Ws> sockets = bench.connectBlocking(tokens, i -> i % gateways);
      System.out.printf(Locale.ROOT, "%,d joins/s for %.0f s: pool of %,d connected users ready in %.1f s%n", rate, seconds, pool, (System.nanoTime() - t0) / 1e9);
      p = new ReusePhase(bench, rate, sockets, interval, o.integer("think-ms", 0, 60_000) * 1_000_000L);
    }
    Proc.CpuWindow cpu = bench.topology().cpuWindow();
    if (measure != null) {
      bench.resetRedisStats();
      if (measure.profiled()) bench.startProfiles();
      cpu.start();
    }
    int leadMs = o.integer("lead-ms", 0, 60_000);
    long start = System.nanoTime() + leadMs * 1_000_000L + 500_000_000L;
    Schedule joins = new Schedule(start, rate, count);
    long deadline = joins.endNanos() + Duration.ofSeconds(30).toNanos();
    Pacer joiner = new Pacer(joins, deadline, p::arrive);
    Thread jt = joiner.start("bench-joiner");
    if (p instanceof FreshPhase f) {
      Pacer connector = new Pacer(new Schedule(start - leadMs * 1_000_000L, rate, count), deadline, (i, t) -> f.connect(i));
      connector.run();
    }
    jt.join();
    long graceEnd = System.nanoTime() + Duration.ofSeconds(o.integer("grace-seconds", 1, 120)).toNanos();
    while (System.nanoTime() < graceEnd && (p.waiting() > 1 || (p instanceof ReusePhase r && pendingCount(r) > 0))) Thread.sleep(20);
    Thread.sleep(300);
    if (measure != null) {
      measure.into().put("cpuPercentOfOneCore", cpu.stop()).put("redisCommandStats", bench.redisCommandStats());
      if (measure.profiled()) bench.stopProfiles();
    }
    Set<String> queued = bench.queued();
    List<InvariantChecker.ClientLog> logs = new ArrayList<>();
    for (Client c : p.clients) logs.add(c.log);
    p.invariants = InvariantChecker.check(logs, queued);
    p.maxLagNanos = joiner.maxLagNanos();
    p.stalls = joiner.stalls();
    p.closing = true;
    List<Future<Void>> closes = new ArrayList<>();
    for (Client c : p.clients) if (c.ws != null) closes.add(c.ws.close());
    Future.join(closes).await(60, TimeUnit.SECONDS);
    if (!bench.awaitDrained(Duration.ofSeconds(20))) System.out.println("warning: Redis still shows open sockets or queued users after the phase");
    if (measure != null) {
      System.out.printf(Locale.ROOT, "phase %,d joins/s: %s; sessions %,d; invariant violations %d; joins sent > 5 ms late (no socket/idle user) %d; errors %d; max sender lag %.1f ms%n",
          rate, p.latency.summary().line(), p.sessions.sum(), p.invariants.total(),
          p.lateJoins.sum() + (p instanceof ReusePhase r ? r.starved.sum() : 0), p.errorCount(), p.maxLagNanos / 1e6);
      if (p instanceof FreshPhase) System.out.println("  connect time:          " + p.connectTime.summary().line());
      System.out.println("  join send lateness:    " + p.joinLateness.summary().line());
      System.out.println("  join sent to matched:  " + p.sentToMatched.summary().line());
    }
    return p;
  }

  private static int pendingCount(ReusePhase r) {
    synchronized (r.pending) {
      return r.pending.size();
    }
  }

  static double round(double v) {
    return Math.round(v * 100.0) / 100.0;
  }
}
