package io.tandem.bench.faults;

import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.RedisCli;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Topology;

import io.tandem.common.Limits;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reliability suite: one topology (2 gateways, 2 matchmakers, auth, chat, a real redis-server,
 * each a separate process) and a series of faults, each followed by the invariant checks (nobody
 * matched twice, nobody stuck, no session only one side knows, no keys left once everyone leaves)
 * and printed figures (time until clients hear an error, until matching works again, calls lost).
 * Invariant rows are the ones that must hold; timing rows show their bound and are not asserted.
 * Redis restarted empty runs last by default: until auth publishes its key again, tokens may be
 * refused everywhere, which would spoil the faults after it.
 */
public final class Reliability implements Scenario {
  /** Every fault, in the order they run by default. */
  public static final List<String> FAULTS = List.of("matchmaker-kill", "redis-freeze", "gateway-kill", "gateway-term",
      "backends-down", "redis-restart");

  /** The services' default Redis command timeout (README, {@code REDIS_TIMEOUT_MS}). */
  public static final int REDIS_TIMEOUT_MS = 2_000;

  @Override
  public String name() {
    return "reliability";
  }

  @Override
  public String summary() {
    return "faults one after the other (matchmaker kill -9 in a join burst, Redis frozen, Redis restarted empty, gateway kill -9 "
        + "and SIGTERM with live calls, auth and chat down), each followed by the invariant checks; prints what each costs";
  }

  @Override
  public void declare(Options o) {
    o.declare("faults", String.join(",", FAULTS), "which faults to run, in this order")
        .declare("burst", "400", "simultaneous joins when a matchmaker is killed")
        .declare("kill-after-ms", "400", "time from the burst's start to the matchmaker's kill")
        .declare("retries", "3", "how often a user told to retry joins again (1.1 s apart)")
        .declare("settle-ms", "20000", "bound after the matchmaker kill: every user in a call both know, waiting, or told to retry")
        .declare("calls", "20", "live calls when a gateway is killed or stopped (half of them when Redis fails)")
        .declare("freeze-seconds", "20", "how long Redis is frozen (SIGSTOP, then SIGCONT)")
        .declare("recovery-ms", "15000", "bound for tokens, reconnects and matching to work again after a fault")
        .declare("relay-ms", "1000", "bound for a relay (candidate) to arrive while another backend is down")
        .declare("bus-timeout-ms", Integer.toString(Limits.BUS_TIMEOUT_MS), "BUS_TIMEOUT_MS given to the services")
        .declare("redis-timeout-ms", Integer.toString(REDIS_TIMEOUT_MS), "REDIS_TIMEOUT_MS given to the services (ignored by builds without it)")
        .declare("node-ttl-ms", Integer.toString(Limits.NODE_TTL_MS), "NODE_TTL_MS given to the services")
        .declare("sweep-ms", Integer.toString(Limits.SWEEP_INTERVAL_MS), "SWEEP_INTERVAL_MS given to the services");
  }

  /** The parameters from the options. */
  public static FaultEnv.Params params(Options o) {
    return new FaultEnv.Params(o.integer("burst", 2, 5_000), o.integer("kill-after-ms", 0, 10_000), o.integer("retries", 0, 10),
        o.integer("settle-ms", 1_000, 120_000), o.integer("calls", 4, 1_000), o.integer("freeze-seconds", 1, 120) * 1000,
        o.integer("recovery-ms", 1_000, 300_000), o.integer("bus-timeout-ms", 100, 60_000), o.integer("redis-timeout-ms", 100, 60_000),
        o.integer("node-ttl-ms", 500, 600_000),
        o.integer("sweep-ms", 50, 600_000), o.integer("relay-ms", 50, 60_000));
  }

  /** The faults named by {@code --faults}, in that order. */
  public static List<Fault> faults(String list) {
    List<Fault> out = new ArrayList<>();
    for (String id : Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
      out.add(switch (id) {
        case "matchmaker-kill" -> new MatchmakerKill();
        case "redis-freeze" -> new RedisFreeze();
        case "redis-restart" -> new RedisRestart();
        case "gateway-kill" -> new GatewayStop(false);
        case "gateway-term" -> new GatewayStop(true);
        case "backends-down" -> new BackendsDown();
        default -> throw new IllegalArgumentException("unknown fault '" + id + "'; known: " + String.join(", ", FAULTS));
      });
    }
    if (out.isEmpty()) throw new IllegalArgumentException("--faults names no fault");
    return out;
  }

  /** The service settings the bounds are computed from, passed to every service. */
  public static Map<String, String> serviceEnv(FaultEnv.Params p) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("BUS_TIMEOUT_MS", Integer.toString(p.busTimeoutMs()));
    env.put("REDIS_TIMEOUT_MS", Integer.toString(p.redisTimeoutMs()));
    env.put("NODE_TTL_MS", Integer.toString(p.nodeTtlMs()));
    env.put("SWEEP_INTERVAL_MS", Integer.toString(p.sweepMs()));
    return env;
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    FaultEnv.Params p = params(o);
    List<Fault> faults = faults(o.str("faults"));
    List<FaultReport> reports = runFaults(bench, p, faults);
    Outcome out = new Outcome(name());
    out.topology = bench.topology().spec().describe();
    JsonArray details = new JsonArray();
    for (FaultReport r : reports) {
      for (Check c : r.rows) out.check(new Check("[" + r.id + "] " + c.metric(), c.target(), c.measured(), c.verdict()));
      details.add(r.toJson());
      for (String f : r.failed()) out.note("INVARIANT VIOLATED [" + r.id + "] " + f);
      r.notes.forEach(n -> out.note("[" + r.id + "] " + n));
    }
    out.details.put("faults", details).put("bounds", new io.vertx.core.json.JsonObject()
        .put("deadGatewayMs", p.deadGateway().toMillis()).put("unavailableMs", p.unavailable().toMillis())
        .put("storeUnavailableMs", p.storeUnavailable().toMillis())
        .put("settleMs", p.settle().toMillis()).put("recoveryMs", p.recovery().toMillis()).put("relayMs", p.relay().toMillis()));
    return out;
  }

  /**
   * Starts the topology and runs the faults one after the other. Before each fault, whatever an
   * earlier one stopped and this one needs is started again (a second matchmaker only for the
   * matchmaker kill). A fault that fails to run is reported as a violated invariant; the next runs.
   */
  public static List<FaultReport> runFaults(Bench bench, FaultEnv.Params p, List<Fault> faults) throws Exception {
    bench.start(Topology.Spec.of(2, 2).withEnv(serviceEnv(p)));
    FaultEnv env = new FaultEnv(bench, new RedisCli(bench.topology().redisPort()), p);
    List<FaultReport> reports = new ArrayList<>();
    for (Fault f : faults) {
      System.out.printf(Locale.ROOT, "%n--- fault %s: %s%n", f.id(), f.title());
      FaultReport r;
      try {
        restartWhatIsNeeded(env, f);
        long t0 = System.nanoTime();
        r = f.run(env);
        r.data.put("seconds", (System.nanoTime() - t0) / 1e9);
      } catch (Exception e) {
        r = new FaultReport(f.id(), f.title());
        r.invariant("the fault ran to the end", 1, List.of(e.toString()));
        System.out.println("fault " + f.id() + " failed to run: " + e);
        e.printStackTrace(System.out);
      }
      System.out.print(Check.table(r.rows));
      for (String d : r.details) System.out.println("  violation: " + d);
      for (String n : r.notes) System.out.println("  note: " + n);
      reports.add(r);
    }
    return reports;
  }

  private static void restartWhatIsNeeded(FaultEnv env, Fault f) throws Exception {
    boolean restarted = false;
    for (String role : new ArrayList<>(env.stopped())) {
      if (role.startsWith("matchmaker-") && !(f instanceof MatchmakerKill)) continue;
      long t0 = System.nanoTime();
      env.topology().restart(role);
      env.stopped().remove(role);
      restarted = true;
      System.out.printf(Locale.ROOT, "restarted %s for the next fault in %.1f s%n", role, (System.nanoTime() - t0) / 1e9);
    }
    env.topology().requireAliveExcept(env.stopped());
    if (restarted) {
      // a restarted service must have joined the cluster and subscribed before the next fault
      env.bench().smoke(env.stopped());
    }
  }
}
