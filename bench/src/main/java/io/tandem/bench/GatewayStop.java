package io.tandem.bench;

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

    // gateway-1's peers of cross calls must hear peer-disconnected within the dead-gateway bound
    long observeUntil = t0 + p.deadGateway().toNanos() + 2_000_000_000L;
    List<ChaosUser> on2 = new ArrayList<>(c2);
    on2.addAll(g2a);
    on2.addAll(g2b);
    for (Crowd.Call c : crossCalls) c.caller().awaitState(u -> u.first("peer-disconnected", t0) != null, observeUntil);
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
    List<Double> told = new ArrayList<>();
    List<String> notTold = new ArrayList<>();
    for (Crowd.Call c : crossCalls) {
      ChaosUser.Seen s = c.caller().first("peer-disconnected", t0);
      double ms = s == null ? -1 : (s.nanos() - t0) / 1e6;
      if (s != null) told.add(ms);
      if (s == null || ms > p.deadGateway().toMillis()) notTold.add(c.caller().userId() + (s == null ? " never heard" : " heard after " + Latency.fmt(ms)));
    }
    told.sort(null);
    Crowd.RelayResult control = crowd.relay(g1Calls, p.relay());

    r.timeMs(graceful ? "gateway exited after SIGTERM" : "gateway gone after SIGKILL", exitMs);
    r.figure("close codes seen by its " + on2.size() + " clients", codes.toString());
    r.timeMs("its clients saw the socket close, at the latest", closeMax);
    r.timeMs("peers on the other gateway heard peer-disconnected, median", told.isEmpty() ? -1 : told.get(told.size() / 2));
    r.timeMs("peers on the other gateway heard peer-disconnected, at the latest", told.size() < crossCalls.size() ? -1
        : told.get(told.size() - 1), p.deadGateway().toMillis());
    r.figure("calls lost (had a user on the stopped gateway)", (crossCalls.size() + g2Calls.size()) + " of " + n);
    r.figure("control calls on the other gateway still relaying", control.delivered() + " of " + control.calls());
    if (graceful) r.invariant("clients of a gateway stopping gracefully see close code 1012", not1012, wrongCode);
    r.invariant("peers hear peer-disconnected within NODE_TTL_MS + SWEEP_INTERVAL_MS + " + FaultEnv.Params.SLACK_MS + " ms",
        notTold.size(), notTold);
    r.invariant("calls on the surviving gateway keep relaying", control.lost(), List.of());

    // the stranded users reconnect to gateway-1 (old tokens, still valid) and search again, as the web client does
    long tBack = System.nanoTime();
    List<ChaosUser> rejoin = new ArrayList<>();
    for (ChaosUser u : on2) {
      Ws w = Ws.connect(env.bench().ws, topo.gatewayPort(0), 0, u.token).await(Crowd.STEP.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      u.attach(w);
      rejoin.add(u);
    }
    for (Crowd.Call c : crossCalls) rejoin.add(c.caller());
    for (ChaosUser u : rejoin) u.join();
    long by = System.nanoTime() + p.unavailable().toNanos();
    for (ChaosUser u : rejoin) u.awaitState(x -> x.answer() != ChaosUser.JoinAnswer.NONE, by);
    double firstMatch = -1;
    for (ChaosUser u : rejoin) {
      ChaosUser.Seen m = u.first("matched", tBack);
      if (m != null && (firstMatch < 0 || (m.nanos() - t0) / 1e6 < firstMatch)) firstMatch = (m.nanos() - t0) / 1e6;
    }
    MatchProbe.Result pr = probe.get();
    r.timeMs("matching works again (a new pair on the other gateway matched), after the fault", pr.ms(), p.recovery().toMillis());
    r.timeMs("its users, reconnected to the other gateway once every peer heard, matched again (first), after the fault", firstMatch);
    r.invariant("matching works again within the recovery bound", pr.ms() < 0 ? 1 : 0,
        pr.ms() < 0 ? List.of(String.valueOf(pr.lastFailure())) : List.of());
    Thread.sleep(500);
    r.audit(crowd.audit());
    r.leftovers(crowd.leaveAll());
    return r;
  }
}
