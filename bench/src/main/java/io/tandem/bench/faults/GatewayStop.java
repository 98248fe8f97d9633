package io.tandem.bench.faults;

import io.tandem.bench.crowd.ChaosUser;
import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.crowd.InvariantChecker;
import io.tandem.bench.crowd.MatchProbe;
import io.tandem.bench.run.Signals;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * (b) {@code kill -9} or (c) SIGTERM of gateway-2 with live calls: half across the two gateways, a
 * quarter on gateway-2 only, a quarter on gateway-1 only (control calls, which must survive). Then
 * the users of gateway-2 reconnect to gateway-1 and search again, as the web client does.
 * Measured: what gateway-2's clients see (close code, when), when gateway-1's peers hear
 * {@code peer-disconnected} (bound: NODE_TTL_MS + SWEEP_INTERVAL_MS for a dead gateway), calls lost.
 */
public final class GatewayStop implements Fault {
  /** The close code a gateway's clients must see when it stops gracefully (docs/protocol.md). */
  public static final short RESTARTING = 1012;
  /** How long a SIGTERMed gateway may take to exit (its drain). */
  static final long EXIT_SECONDS = 30;

  private final boolean graceful;

  public GatewayStop(boolean graceful) {
    this.graceful = graceful;
  }

  @Override
  public String id() {
    return graceful ? "gateway-term" : "gateway-kill";
  }

  @Override
  public String title() {
    return (graceful ? "SIGTERM" : "kill -9") + " of a gateway with live calls";
  }

  @Override
  public FaultReport run(FaultEnv env) throws Exception {
    FaultEnv.Params p = env.p();
    Topology topo = env.topology();
    if (topo.gateways().size() < 2) throw new IllegalStateException(id() + " needs two gateways");
    int n = Math.max(4, p.calls());
    int cross = n / 2;
    int only2 = (n - cross) / 2;
    int only1 = n - cross - only2;
    FaultReport r = new FaultReport(id(), title() + " (" + cross + " calls across gateways, " + only2 + " on it alone, "
        + only1 + " on the other alone)");
    Crowd crowd = env.crowd();
    List<ChaosUser> c1 = crowd.add(cross, i -> 0);
    List<ChaosUser> c2 = crowd.add(cross, i -> 1);
    List<ChaosUser> g2a = crowd.add(only2, i -> 1);
    List<ChaosUser> g2b = crowd.add(only2, i -> 1);
    List<ChaosUser> g1a = crowd.add(only1, i -> 0);
    List<ChaosUser> g1b = crowd.add(only1, i -> 0);
    List<Crowd.Call> crossCalls = crowd.pair(c1, c2);
    List<Crowd.Call> g2Calls = crowd.pair(g2a, g2b);
    List<Crowd.Call> g1Calls = crowd.pair(g1a, g1b);
    Crowd.RelayResult before = crowd.relay(g1Calls, p.relay());
    if (before.lost() > 0) throw new IllegalStateException("set-up: control calls do not relay before the fault: " + before);

    Topology.Child victim = topo.gateways().get(1);
    long t0 = System.nanoTime();
    double exitMs;
    if (graceful) {
      Signals.term(victim);
      boolean exited = Signals.awaitExit(victim, EXIT_SECONDS);
      exitMs = exited ? (System.nanoTime() - t0) / 1e6 : -1;
    } else {
      Signals.kill9(victim);
      exitMs = (System.nanoTime() - t0) / 1e6;
    }
    env.stopped().add(victim.role());
    java.util.concurrent.CompletableFuture<MatchProbe.Result> probe = MatchProbe.async(env.bench(), crowd, t0, p.recovery(), 0, 0);

    // its clients see their socket close; each reconnects to gateway-1 at once and resumes its call, as the web client does
    long observeUntil = t0 + p.deadGateway().toNanos() + 2_000_000_000L;
    List<ChaosUser> on2 = new ArrayList<>(c2);
    on2.addAll(g2a);
    on2.addAll(g2b);
    for (ChaosUser u : on2) u.awaitState(ChaosUser::left, observeUntil);

    Map<String, Integer> codes = new TreeMap<>();
    double closeMax = -1;
    int not1012 = 0;
    List<String> wrongCode = new ArrayList<>();
    for (ChaosUser u : on2) {
      Ws w = u.ws();
      String code = !u.left() ? "still open" : w.closeCode() == null ? "no close frame (abrupt)" : Integer.toString(w.closeCode());
      codes.merge(code, 1, Integer::sum);
      if (u.left()) closeMax = Math.max(closeMax, (w.closedNanos() - t0) / 1e6);
      if (w.closeCode() == null || w.closeCode() != RESTARTING) {
        not1012++;
        if (wrongCode.size() < InvariantChecker.DETAILS_KEPT) wrongCode.add(u.userId() + " saw " + code);
      }
    }
    for (ChaosUser u : on2) {
      Ws w = Ws.connect(env.bench().ws, topo.gatewayPort(0), 0, u.token).await(Crowd.STEP.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      u.attach(w);
      u.resume();
    }
    long resumeBy = System.nanoTime() + p.deadGateway().toNanos();
    List<Double> resumed = new ArrayList<>();
    List<String> notResumed = new ArrayList<>();
    for (ChaosUser u : on2) {
      u.awaitState(x -> x.first("resumed", t0) != null || x.kept() == null && x.sessionId() == null, resumeBy);
      ChaosUser.Seen s = u.first("resumed", t0);
      if (s != null) resumed.add((s.nanos() - t0) / 1e6);
      else if (notResumed.size() < InvariantChecker.DETAILS_KEPT) notResumed.add(u.userId() + " did not get its call back");
    }
    resumed.sort(null);
    // the peers on gateway-1 hear their stranger reconnecting, then back; none hears the call end
    List<String> ended = new ArrayList<>();
    int heardAway = 0;
    int heardBack = 0;
    for (Crowd.Call c : crossCalls) {
      c.caller().awaitState(u -> u.first("peer-resumed", t0) != null, resumeBy);
      if (c.caller().first("peer-reconnecting", t0) != null) heardAway++;
      if (c.caller().first("peer-resumed", t0) != null) heardBack++;
    }
    // a call with both users on the stopped gateway: whoever resumed first relays to the other only once it hears
    // peer-resumed (until then its stranger is away and relays are dropped, as the protocol says), so wait for it
    for (Crowd.Call c : g2Calls) {
      c.caller().awaitState(u -> u.first("peer-resumed", t0) != null || c.callee().first("peer-resumed", t0) != null, resumeBy);
    }
    List<Crowd.Call> moved = new ArrayList<>(crossCalls);
    moved.addAll(g2Calls);
    for (Crowd.Call c : moved) {
      for (ChaosUser u : List.of(c.caller(), c.callee())) {
        ChaosUser.Seen end = u.first("peer-disconnected", t0);
        if (end != null && ended.size() < InvariantChecker.DETAILS_KEPT) ended.add(u.userId() + " heard " + end.data().getString("reason"));
      }
    }
    Crowd.RelayResult after = crowd.relay(moved, p.relay());
    Crowd.RelayResult control = crowd.relay(g1Calls, p.relay());

    r.timeMs(graceful ? "gateway exited after SIGTERM" : "gateway gone after SIGKILL", exitMs);
    r.figure("close codes seen by its " + on2.size() + " clients", codes.toString());
    r.timeMs("its clients saw the socket close, at the latest", closeMax);
    r.timeMs("its clients resumed their calls on the other gateway, median", resumed.isEmpty() ? -1 : resumed.get(resumed.size() / 2));
    r.timeMs("its clients resumed their calls on the other gateway, at the latest", resumed.size() < on2.size() ? -1
        : resumed.get(resumed.size() - 1), p.deadGateway().toMillis());
    r.figure("peers on the other gateway that heard peer-reconnecting / peer-resumed", heardAway + " / " + heardBack + " of " + crossCalls.size());
    r.figure("calls ended (had a user on the stopped gateway)", ended.size() + " of " + moved.size());
    r.figure("resumed calls relaying again", after.delivered() + " of " + after.calls());
    r.figure("control calls on the other gateway still relaying", control.delivered() + " of " + control.calls());
    if (graceful) r.invariant("clients of a gateway stopping gracefully see close code 1012", not1012, wrongCode);
    r.invariant("every user of the stopped gateway resumes its call on the other one", on2.size() - resumed.size(), notResumed);
    r.invariant("no call ends with its gateway (no peer-disconnected)", ended.size(), ended);
    r.invariant("peers hear peer-resumed", crossCalls.size() - heardBack, List.of());
    r.invariant("resumed calls relay again", after.lost(), List.of());
    r.invariant("calls on the surviving gateway keep relaying", control.lost(), List.of());

    MatchProbe.Result pr = probe.get();
    r.timeMs("matching works again (a new pair on the other gateway matched), after the fault", pr.ms(), p.recovery().toMillis());
    r.invariant("matching works again within the recovery bound", pr.ms() < 0 ? 1 : 0,
        pr.ms() < 0 ? List.of(String.valueOf(pr.lastFailure())) : List.of());
    Thread.sleep(500);
    r.audit(crowd.audit());
    r.leftovers(crowd.leaveAll());
    return r;
  }
}
