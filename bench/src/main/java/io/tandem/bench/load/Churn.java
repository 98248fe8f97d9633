package io.tandem.bench.load;

import io.tandem.bench.crowd.InvariantChecker;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many users doing the whole story in a loop: join → matched → offer/answer → candidates both ways
 * → chat and reply → the caller presses Next ({@code end-call}) → both join again. Reports
 * completed calls per second and every kind of error; the invariant checker runs over all of it.
 */
public final class Churn implements Scenario {
  @Override
  public String name() {
    return "churn";
  }

  @Override
  public String summary() {
    return "users loop match -> offer/answer/candidates -> chat -> Next for a fixed time; completed calls/s and errors";
  }

  @Override
  public void declare(Options o) {
    o.declare("users", "200", "concurrent users (each one socket for the whole run)")
        .declare("seconds", "30", "measured time (calls/s and latencies); users keep calling through warm-up + this (at most 240 s in all)")
        .declare("warmup-seconds", "20", "calls before the measured window (JIT warm-up); errors and invariants still count")
        .declare("candidates", "2", "ICE candidates each side sends per call")
        .declare("join-interval-ms", "1100", "least time between two joins of one user (the gateway allows 1 join/s per socket, burst 3)")
        .declare("stuck-seconds", "10", "a user with no progress for this long counts as an error")
        .declare("step-timeout-ms", "2000", "a call with no progress for this long is counted as stalled and the caller presses Next")
        .declare("offer-delay-ms", "20", "caller's think time between matched and send-offer (a browser's createOffer takes some ms)")
        .declare("race-probe-pairs", "50", "pairs whose caller sends its offer the instant matched arrives (checks that no offer is dropped)")
        .declare("vanish-probe-pairs", "30", "pairs whose caller closes its socket the instant matched arrives (checks that no callee is lost)")
        .declare("gateways", "2", "gateway processes (users round-robin over them)")
        .declare("matchmakers", "2", "matchmaker processes");
  }

  @Override
  public void allDefaults(Options o) {
    o.defaultTo("seconds", "20").defaultTo("warmup-seconds", "15");
  }

  enum State { QUEUED, IN_CALL, DONE }

  static final boolean DEBUG = Boolean.getBoolean("bench.debug");

  /** One user's loop. */
  final class User {
    final Ws ws;
    final InvariantChecker.ClientLog log;
    volatile State state = State.DONE;
    volatile long lastProgress = System.nanoTime();
    volatile boolean stuckCounted;
    volatile String sid;
    boolean caller;
    boolean gotOffer;
    boolean gotAnswer;
    boolean gotMessage;
    volatile boolean endSent;
    int candidatesIn;
    long joinNanos;
    long lastJoinNanos = Long.MIN_VALUE / 2;

    User(Ws ws) {
      this.ws = ws;
      this.log = new InvariantChecker.ClientLog(ws.userId());
    }

    void join() {
      long wait = lastJoinNanos + joinIntervalNanos - System.nanoTime();
      if (wait > 1_000_000L) {
        state = State.QUEUED; // waiting for its join budget; counts as searching
        progress();
        vertxTimer.accept(wait / 1_000_000L, this::joinNow);
        return;
      }
      joinNow();
    }

    void joinNow() {
      if (System.nanoTime() >= deadline) {
        state = State.DONE;
        return;
      }
      state = State.QUEUED;
      joinNanos = System.nanoTime();
      lastJoinNanos = joinNanos;
      progress();
      log.joined();
      ws.send(Frames.join());
    }

    void progress() {
      lastProgress = System.nanoTime();
      stuckCounted = false;
    }

    void onFrame(String type, JsonObject d, long nanos) {
      if (DEBUG) System.out.println(ws.userId() + " <- " + type + " " + d.encode().substring(0, Math.min(160, d.encode().length())));
      switch (type) {
        case "matched" -> {
          progress();
          sid = d.getString("sessionId");
          caller = "caller".equals(d.getString("role"));
          log.matched(sid, d.getString("peerId"), d.getString("role"));
          gotOffer = gotAnswer = gotMessage = endSent = false;
          candidatesIn = 0;
          state = State.IN_CALL;
          if (measuring) timeToMatch.recordNanos(nanos - joinNanos);
          if (caller) {
            String s = sid;
            if (offerDelayMs > 0) vertxTimer.accept((long) offerDelayMs, () -> ws.run(() -> {
              if (state == State.IN_CALL && s.equals(sid)) ws.send(Frames.offer(s, sdp));
            }));
            else ws.send(Frames.offer(s, sdp));
          }
        }
        case "offer" -> {
          if (!mine(d)) return;
          progress();
          gotOffer = true;
          ws.send(Frames.answer(sid, sdp));
          for (int i = 0; i < candidates; i++) ws.send(Frames.candidate(sid, "candidate:" + i + " 1 udp 2122260223 127.0.0.1 5000" + i + " typ host"));
        }
        case "answer" -> {
          if (!mine(d)) return;
          progress();
          gotAnswer = true;
          for (int i = 0; i < candidates; i++) ws.send(Frames.candidate(sid, "candidate:" + i + " 1 udp 2122260223 127.0.0.1 5000" + i + " typ host"));
          ws.send(Frames.message(sid, "hi, how are you?"));
        }
        case "candidate" -> {
          if (!mine(d)) return;
          progress();
          candidatesIn++;
          if (caller) maybeNext();
        }
        case "message" -> {
          if (!mine(d) || ws.userId().equals(d.getString("from"))) return;
          progress();
          gotMessage = true;
          if (caller) maybeNext();
          else ws.send(Frames.message(sid, "fine, thanks"));
        }
        case "call-ended" -> {
          progress();
          log.ended();
          state = State.DONE;
          if (!failedSessions.contains(sid) && measuring) {
            completed.increment();
            callTime.recordNanos(nanos - joinNanos);
          }
          join();
        }
        case "peer-disconnected" -> {
          progress();
          log.ended();
          if (caller) {
            error("caller-saw-peer-disconnected");
          } else if (!"left".equals(d.getString("reason"))) {
            error("peer-disconnected-" + d.getString("reason"));
          } else if ((!gotOffer || !gotMessage || candidatesIn < candidates) && !failedSessions.contains(sid)) {
            error("callee-call-incomplete");
          }
          state = State.DONE;
          join();
        }
        case "error" -> error("error-frame-" + d.getString("code", "?") + (d.getString("ref") == null ? "" : "-" + d.getString("ref")));
        default -> { }
      }
    }

    /** The call made no progress for the step timeout: count it and press Next (on the socket's loop). */
    void stall() {
      if (state != State.IN_CALL || !caller || endSent) return;
      String missing = !gotAnswer ? "no-answer-to-offer" : candidatesIn < candidates ? "missing-candidates" : "no-chat-reply";
      error("call-stalled-" + missing);
      failedSessions.add(sid);
      endSent = true;
      ws.send(Frames.endCall(sid));
    }

    private boolean mine(JsonObject d) {
      return state == State.IN_CALL && sid != null && sid.equals(d.getString("sessionId"));
    }

    private void maybeNext() {
      if (!endSent && gotAnswer && gotMessage && candidatesIn >= candidates) {
        endSent = true;
        ws.send(Frames.endCall(sid));
      }
    }
  }

  private volatile long deadline;
  private int candidates;
  private long joinIntervalNanos;
  private java.util.function.BiConsumer<Long, Runnable> vertxTimer;
  private final String sdp = Frames.sdp("churn");
  private final Latency timeToMatch = new Latency();
  private final Latency callTime = new Latency();
  private final LongAdder completed = new LongAdder();
  private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final Set<String> failedSessions = ConcurrentHashMap.newKeySet();
  private int offerDelayMs;
  private volatile boolean closing;
  private volatile boolean measuring;

  private void error(String kind) {
    errors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /**
   * Pairs one after the other (A waits, B joins) whose caller sends its offer from the very
   * callback that delivers {@code matched}, with no think time. Returns how many offers never
   * reached the callee within 2 s.
   */
  static long raceProbe(Bench bench, int pairs, int gws) throws Exception {
    List<Tokens.Token> tokens = bench.fetchTokens(2 * pairs);
    List<Ws> ws = bench.connectBlocking(tokens, i -> (i / 2 + i % 2) % gws);
    LongAdder received = new LongAdder();
    try {
      for (int p = 0; p < pairs; p++) {
        Ws a = ws.get(2 * p);
        Ws b = ws.get(2 * p + 1);
        java.util.concurrent.CompletableFuture<Void> queuedA = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> matchedA = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> matchedB = new java.util.concurrent.CompletableFuture<>();
        a.listener((w, type, data, nanos) -> {
          if (type.equals("queued")) queuedA.complete(null);
          if (type.equals("matched")) {
            w.send(Frames.offer(data.getString("sessionId"), "v=0 race-probe"));
            matchedA.complete(null);
          }
        });
        b.listener((w, type, data, nanos) -> {
          if (type.equals("matched")) matchedB.complete(null);
          if (type.equals("offer")) received.increment();
        });
        a.send(Frames.join());
        queuedA.get(10, TimeUnit.SECONDS);
        b.send(Frames.join());
        matchedA.get(10, TimeUnit.SECONDS);
        matchedB.get(10, TimeUnit.SECONDS);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < deadline && received.sum() < pairs) Thread.sleep(20);
      return pairs - received.sum();
    } finally {
      Future.join(ws.stream().map(Ws::close).toList()).await(30, TimeUnit.SECONDS);
      bench.awaitDrained(Duration.ofSeconds(10));
    }
  }

  /**
   * Pairs one after the other whose caller closes its socket the instant {@code matched} arrives.
   * Each callee must end up either matched (and then told its peer left) or, having been answered
   * {@code queued} only, still in the Redis queue. A callee that was answered {@code queued}, never
   * got {@code matched} and is not in the queue waits forever: lost. Returns the number lost.
   */
  static long vanishProbe(Bench bench, int pairs, int gws) throws Exception {
    List<Tokens.Token> tokens = bench.fetchTokens(2 * pairs);
    List<Ws> ws = bench.connectBlocking(tokens, i -> (i / 2 + i % 2) % gws);
    long lost = 0;
    try {
      for (int p = 0; p < pairs; p++) {
        Ws a = ws.get(2 * p);
        Ws b = ws.get(2 * p + 1);
        java.util.concurrent.CompletableFuture<Void> queuedA = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> closedA = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<Void> answeredB = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.atomic.AtomicBoolean matchedB = new java.util.concurrent.atomic.AtomicBoolean();
        a.listener(new Ws.Listener() {
          @Override
          public void onFrame(Ws w, String type, JsonObject data, long nanos) {
            if (type.equals("queued")) queuedA.complete(null);
            if (type.equals("matched")) w.close();
          }

          @Override
          public void onClose(Ws w) {
            closedA.complete(null);
          }
        });
        b.listener((w, type, data, nanos) -> {
          if (type.equals("matched")) matchedB.set(true);
          if (type.equals("queued") || type.equals("matched")) answeredB.complete(null);
        });
        a.send(Frames.join());
        queuedA.get(10, TimeUnit.SECONDS);
        b.send(Frames.join());
        answeredB.get(10, TimeUnit.SECONDS);
        closedA.get(10, TimeUnit.SECONDS);
        Thread.sleep(300); // let the disconnect and any late match settle
        if (!matchedB.get() && !bench.queued().contains(b.userId())) lost++;
        b.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      return lost;
    } finally {
      Future.join(ws.stream().map(Ws::close).toList()).await(30, TimeUnit.SECONDS);
      bench.awaitDrained(Duration.ofSeconds(10));
    }
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    int users = o.integer("users", 2, 19_000);
    double seconds = o.decimal("seconds", 1, 240);
    candidates = o.integer("candidates", 0, 50);
    joinIntervalNanos = o.integer("join-interval-ms", 0, 60_000) * 1_000_000L;
    vertxTimer = (ms, task) -> bench.vertx.setTimer(Math.max(1, ms), t -> task.run());
    int stuckSeconds = o.integer("stuck-seconds", 1, 600);
    long stepTimeoutNanos = o.integer("step-timeout-ms", 100, 600_000) * 1_000_000L;
    offerDelayMs = o.integer("offer-delay-ms", 0, 10_000);
    Topology.Spec spec = Topology.Spec.of(o.integer("gateways", 1, 8), o.integer("matchmakers", 1, 8));
    Outcome out = new Outcome(name());
    out.topology = spec.describe();
    bench.start(spec);
    int gws = spec.gateways();
    List<Tokens.Token> tokens = bench.fetchTokens(users);
    List<Ws> sockets = bench.connectBlocking(tokens, i -> i % gws);
    List<User> all = new ArrayList<>();
    for (Ws w : sockets) {
      User u = new User(w);
      all.add(u);
      w.listener(new Ws.Listener() {
        @Override
        public void onFrame(Ws ws, String type, JsonObject data, long nanos) {
          u.onFrame(type, data, nanos);
        }

        @Override
        public void onClose(Ws ws) {
          if (!closing) error("socket-closed");
        }
      });
    }
    int probePairs = o.integer("race-probe-pairs", 0, 5000);
    long droppedOffers = probePairs == 0 ? 0 : raceProbe(bench, probePairs, gws);
    if (probePairs > 0) {
      System.out.printf(Locale.ROOT, "race probe: %d of %d offers sent the instant matched arrived never reached the callee%n", droppedOffers, probePairs);
    }
    int vanishPairs = o.integer("vanish-probe-pairs", 0, 1000);
    long lostCallees = vanishPairs == 0 ? 0 : vanishProbe(bench, vanishPairs, gws);
    if (vanishPairs > 0) {
      System.out.printf(Locale.ROOT, "vanish probe: %d of %d callees whose caller vanished at the instant of matching were left neither matched nor queued%n",
          lostCallees, vanishPairs);
    }
    double warmup = o.decimal("warmup-seconds", 0, 120);
    if (warmup + seconds > 240) throw new IllegalArgumentException("--warmup-seconds + --seconds must be at most 240 (tokens live 5 minutes)");
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    deadline = measureFrom + (long) (seconds * 1e9);
    Proc.CpuWindow cpu = bench.topology().cpuWindow();
    boolean started = false;
    if (warmup == 0) {
      measuring = true;
      started = true;
      bench.resetRedisStats();
      cpu.start();
      bench.startProfiles();
    }
    // stagger the first joins over about one second so the first matches are not one burst
    for (int i = 0; i < all.size(); i++) {
      all.get(i).join();
      if (i % 10 == 9) Thread.sleep(1000L * 10 / all.size());
    }
    while (System.nanoTime() < deadline) {
      Thread.sleep(250);
      long now = System.nanoTime();
      if (!started && now >= measureFrom) {
        started = true;
        bench.resetRedisStats();
        cpu.start();
        bench.startProfiles();
        measuring = true;
        System.out.printf(Locale.ROOT, "warm-up done (%.0f s); measuring for %.0f s%n", warmup, seconds);
      }
      for (User u : all) {
        if (u.state == State.IN_CALL && u.caller && !u.endSent && now - u.lastProgress > stepTimeoutNanos) u.ws.run(u::stall);
        if (u.state != State.DONE && !u.stuckCounted && now - u.lastProgress > stuckSeconds * 1_000_000_000L) {
          u.stuckCounted = true;
          error("stuck-" + u.state.name().toLowerCase(Locale.ROOT));
        }
      }
    }
    measuring = false;
    JsonObject cpuJson = cpu.stop();
    bench.stopProfiles();
    long finishBy = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < finishBy && all.stream().filter(u -> u.state == State.IN_CALL).count() > 0) {
      Thread.sleep(50);
      long now = System.nanoTime();
      for (User u : all) {
        if (u.state == State.IN_CALL && u.caller && !u.endSent && now - u.lastProgress > stepTimeoutNanos) u.ws.run(u::stall);
      }
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Thread.sleep(200);
    Set<String> queued = bench.queued();
    List<InvariantChecker.ClientLog> logs = new ArrayList<>();
    for (User u : all) logs.add(u.log);
    InvariantChecker.Result inv = InvariantChecker.check(logs, queued);
    long inCallAtEnd = all.stream().filter(u -> u.state == State.IN_CALL).count();
    closing = true;
    Future.join(sockets.stream().map(Ws::close).toList()).await(60, TimeUnit.SECONDS);

    long errorCount = errors.values().stream().mapToLong(LongAdder::sum).sum() + inCallAtEnd;
    double callsPerSecond = completed.sum() / seconds;
    out.checks.add(Check.info("completed calls/s (" + users + " users)", Check.num(callsPerSecond)));
    out.checks.add(Check.zero("calls that stalled (caller pressed Next after " + o.str("step-timeout-ms") + " ms without progress)", failedSessions.size()));
    out.checks.add(Check.info("completed calls", String.format(Locale.ROOT, "%,d in %.0f s", completed.sum(), seconds)));
    out.checks.add(Check.info("whole call p50 / p99 (join to call-ended)", Latency.fmt(callTime.summary().p50()) + " / " + Latency.fmt(callTime.summary().p99())));
    out.checks.add(Check.info("join to own matched p50 / p99 (closed loop)", Latency.fmt(timeToMatch.summary().p50()) + " / " + Latency.fmt(timeToMatch.summary().p99())));
    out.checks.add(Check.zero("errors (error frames, stuck users, incomplete calls, drops)", errorCount));
    out.checks.add(Check.zero("invariant violations", inv.total()));
    if (probePairs > 0) out.checks.add(Check.zero("offers dropped when sent the instant matched arrives (" + probePairs + " pairs)", droppedOffers));
    if (vanishPairs > 0) out.checks.add(Check.zero("callees lost when the caller closes the instant it is matched (" + vanishPairs + " pairs)", lostCallees));
    JsonObject errs = new JsonObject();
    errors.forEach((k, v) -> errs.put(k, v.sum()));
    if (inCallAtEnd > 0) errs.put("still-in-call-at-end", inCallAtEnd);
    out.details.put("users", users).put("seconds", seconds).put("elapsedSeconds", elapsed).put("completedCalls", completed.sum())
        .put("callsPerSecond", callsPerSecond).put("callTime", callTime.summary().toJson()).put("joinToMatched", timeToMatch.summary().toJson())
        .put("errors", errs).put("invariants", inv.toJson()).put("raceProbe", new JsonObject().put("pairs", probePairs).put("droppedOffers", droppedOffers))
        .put("vanishProbe", new JsonObject().put("pairs", vanishPairs).put("lostCallees", lostCallees)).put("cpuPercentOfOneCore", cpuJson).put("redisCommandStats", bench.redisCommandStats());
    out.headline("whole call (join to call-ended)", callTime).series("join to own matched", timeToMatch);
    out.note("Calls/s and latencies cover the " + Check.num(seconds) + " s after a " + Check.num(warmup)
        + " s warm-up; errors, stalls and invariants cover the whole run.");
    out.note("Each call: caller waits " + offerDelayMs + " ms (browser-like createOffer time) then sends a ~2.5 KB offer, callee answers, " + candidates + " candidates each way, caller chats, callee replies, caller presses Next; "
        + "both re-join at once. Closed loop: calls/s is what the system sustained with " + users + " users, not an offered rate.");
    return out;
  }
}
