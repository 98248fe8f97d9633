package io.tandem.bench.faults;

import io.tandem.bench.crowd.ChaosUser;
import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.crowd.MatchProbe;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Signals;
import io.tandem.bench.run.Topology;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * (e) Redis frozen ({@code SIGSTOP} of the redis-server PID, {@code SIGCONT} after the freeze) with
 * live calls across gateways and a waiting user. During the freeze idle users press Start and two
 * callers press Next: each must hear an answer ({@code unavailable}, or the real one) within
 * BUS_TIMEOUT_MS + REDIS_TIMEOUT_MS + slack. After the wake no gateway may be reaped (no socket closed), the calls must
 * still relay and matching must work again.
 */
public final class RedisFreeze implements Fault {
  /** Idle users that press Start during the freeze. */
  static final int JOINERS = 4;
  /** Callers that press Next during the freeze. */
  static final int ENDERS = 2;

  @Override
  public String id() {
    return "redis-freeze";
  }

  @Override
  public String title() {
    return "Redis frozen (SIGSTOP ... SIGCONT) with live calls";
  }

  @Override
  public FaultReport run(FaultEnv env) throws Exception {
    FaultEnv.Params p = env.p();
    Topology topo = env.topology();
    int calls = Math.max(ENDERS + 2, p.calls() / 2);
    FaultReport r = new FaultReport(id(), title() + " for " + p.freezeMs() / 1000.0 + " s (" + calls + " calls across gateways, "
        + "1 waiting, " + JOINERS + " joining and " + ENDERS + " ending a call during it)");
    Crowd crowd = env.crowd();
    List<Crowd.Call> live = crowd.pair(crowd.add(calls, i -> 0), crowd.add(calls, i -> 1));
    ChaosUser waiting = crowd.add(1, i -> 1).get(0);
    waiting.join();
    if (!waiting.awaitState(u -> u.answer() == ChaosUser.JoinAnswer.QUEUED, Crowd.deadline(Crowd.STEP))) {
      throw new IllegalStateException("set-up: the waiting user got no 'queued'");
    }
    List<ChaosUser> joiners = crowd.add(JOINERS, i -> i % 2);
    List<Crowd.Call> enders = live.subList(0, ENDERS);
    List<Crowd.Call> kept = live.subList(ENDERS, live.size());
    Topology.Child redis = topo.child("redis");

    long t0 = System.nanoTime();
    long tWake;
    Signals.stop(redis);
    Crowd.RelayResult during;
    CompletableFuture<String> health;
    try {
      for (ChaosUser u : joiners) u.join();
      for (Crowd.Call c : enders) c.caller().send(Frames.endCall(c.sessionId()));
      health = CompletableFuture.supplyAsync(() -> health(topo.gatewayPort(0), t0, p.freeze().plusSeconds(5)));
      during = crowd.relay(kept, p.relay());
      long by = t0 + p.storeUnavailable().toNanos();
      for (ChaosUser u : joiners) u.awaitState(x -> x.answer() != ChaosUser.JoinAnswer.NONE, by);
      for (Crowd.Call c : enders) c.caller().awaitState(x -> x.first("call-ended", t0) != null || x.first("error", t0) != null, by);
      long left = t0 + p.freeze().toNanos() - System.nanoTime();
      if (left > 0) Thread.sleep(left / 1_000_000L);
    } finally {
      Signals.cont(redis);
      tWake = System.nanoTime();
    }
    CompletableFuture<MatchProbe.Result> probeLater = MatchProbe.async(env.bench(), crowd, tWake, p.recovery(), 0, 1);

    List<String> unanswered = new ArrayList<>();
    List<Double> joinAnswers = new ArrayList<>();
    StringBuilder joinCodes = new StringBuilder();
    for (ChaosUser u : joiners) {
      ChaosUser.Seen s = firstOf(u, t0, "error", "queued", "matched");
      double ms = s == null ? -1 : (s.nanos() - t0) / 1e6;
      joinCodes.append(joinCodes.length() == 0 ? "" : ", ").append(s == null ? "nothing" : s.type().equals("error")
          ? "error " + s.data().getString("code") : s.type()).append(s == null ? "" : " after " + Latency.fmt(ms));
      if (s == null || ms > p.storeUnavailable().toMillis()) unanswered.add(u.userId() + " join: " + (s == null ? "no answer during the freeze"
          : "answered after " + Latency.fmt(ms)));
      if (s != null) joinAnswers.add(ms);
    }
    StringBuilder endCodes = new StringBuilder();
    for (Crowd.Call c : enders) {
      ChaosUser.Seen s = firstOf(c.caller(), t0, "error", "call-ended");
      double ms = s == null ? -1 : (s.nanos() - t0) / 1e6;
      endCodes.append(endCodes.length() == 0 ? "" : ", ").append(s == null ? "nothing" : s.type().equals("error")
          ? "error " + s.data().getString("code") : s.type()).append(s == null ? "" : " after " + Latency.fmt(ms));
      if (s == null || ms > p.storeUnavailable().toMillis()) unanswered.add(c.caller().userId() + " end-call: " + (s == null
          ? "no answer during the freeze" : "answered after " + Latency.fmt(ms)));
    }

    // after the wake: nobody reaped (no socket closed), calls still relay, matching works
    long observeUntil = tWake + p.deadGateway().toNanos();
    Thread.sleep(Math.max(0, (observeUntil - System.nanoTime()) / 1_000_000L));
    List<String> closed = new ArrayList<>();
    for (ChaosUser u : crowd.users()) {
      if (u.left()) closed.add(u.userId() + " closed with " + u.ws().closeCode() + " " + Latency.fmt((u.ws().closedNanos() - tWake) / 1e6) + " after the wake");
    }
    List<Crowd.Call> stillUp = kept.stream().filter(c -> !c.caller().left() && !c.callee().left()).toList();
    Crowd.RelayResult after = crowd.relay(stillUp, p.relay());
    MatchProbe.Result probe = probeLater.get();
    long nodes = (Long) env.redis().call("ZCARD", io.tandem.common.RedisKeys.NODES);

    r.figure("joins during the freeze answered with", joinCodes.toString());
    r.timeMs("a join during the freeze answered, at the latest", joinAnswers.size() < joiners.size() ? -1
        : joinAnswers.stream().mapToDouble(Double::doubleValue).max().orElse(-1), p.storeUnavailable().toMillis());
    r.figure("end-call during the freeze answered with", endCodes.toString());
    r.figure("gateway-1 /health/ready during the freeze", health.get());
    r.figure("relays during the freeze (calls not touched)", during.delivered() + " of " + during.calls() + " calls, slowest "
        + Latency.fmt(during.maxMs()));
    r.figure("sockets closed within NODE_TTL_MS + SWEEP_INTERVAL_MS + slack after the wake", Integer.toString(closed.size()));
    r.figure("gateway nodes registered in Redis after the wake", nodes + " of " + topo.gateways().stream().filter(g -> g.process().isAlive()).count());
    r.figure("calls lost (not ended on purpose)", Integer.toString(kept.size() - after.delivered()));
    r.timeMs("matching works again (a new pair matched), after the wake", probe.ms(), p.recovery().toMillis());
    r.invariant("requests during the freeze answered within BUS_TIMEOUT_MS + REDIS_TIMEOUT_MS + " + FaultEnv.Params.SLACK_MS + " ms", unanswered.size(), unanswered);
    r.invariant("no gateway reaped on wake (no socket closed)", closed.size(), closed);
    r.invariant("calls keep relaying after the wake", after.lost() + (kept.size() - stillUp.size()), List.of());
    r.invariant("matching works again within the recovery bound", probe.ms() < 0 ? 1 : 0,
        probe.ms() < 0 ? List.of(String.valueOf(probe.lastFailure())) : List.of());

    // users told to retry press Start again
    for (ChaosUser u : joiners) if (!u.left() && u.sessionId() == null && u.answer() != ChaosUser.JoinAnswer.QUEUED) u.join();
    long by = Crowd.deadline(p.storeUnavailable());
    for (ChaosUser u : joiners) u.awaitState(x -> x.answer() != ChaosUser.JoinAnswer.NONE || x.left(), by);
    Thread.sleep(500);
    r.audit(crowd.audit());
    r.leftovers(crowd.leaveAll());
    return r;
  }

  private static ChaosUser.Seen firstOf(ChaosUser u, long since, String... types) {
    ChaosUser.Seen best = null;
    for (String t : types) {
      ChaosUser.Seen s = u.first(t, since);
      if (s != null && (best == null || s.nanos() < best.nanos())) best = s;
    }
    return best;
  }

  /** Status of GET /health/ready and when it came, or that it did not answer within {@code max}. */
  static String health(int port, long sinceNanos, Duration max) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
          .timeout(max).GET().build(), HttpResponse.BodyHandlers.ofString());
      return "HTTP " + resp.statusCode() + " after " + Latency.fmt((System.nanoTime() - sinceNanos) / 1e6);
    } catch (Exception e) {
      return "no answer within " + Latency.fmt((System.nanoTime() - sinceNanos) / 1e6) + " (" + e.getClass().getSimpleName() + ")";
    }
  }
}
