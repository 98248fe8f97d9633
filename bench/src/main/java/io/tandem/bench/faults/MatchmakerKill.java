package io.tandem.bench.faults;

import io.tandem.bench.crowd.ChaosUser;
import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.crowd.MatchProbe;
import io.tandem.bench.run.Signals;
import io.tandem.bench.run.Topology;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * (a) {@code kill -9} of one of two matchmakers during a burst of simultaneous joins (users on both
 * gateways). Users told to retry join again, {@link FaultEnv.Params#retries} times, 1.1 s apart.
 * Expected: within {@code settle}, every user is in a session both sides know, or waiting, or told to
 * retry; nobody matched twice; matching keeps working through the survivor.
 */
public final class MatchmakerKill implements Fault {
  @Override
  public String id() {
    return "matchmaker-kill";
  }

  @Override
  public String title() {
    return "kill -9 of one of two matchmakers during a join burst";
  }

  @Override
  public FaultReport run(FaultEnv env) throws Exception {
    FaultEnv.Params p = env.p();
    FaultReport r = new FaultReport(id(), title() + " (" + p.burst() + " joins, kill " + p.killAfterMs() + " ms in)");
    Topology.Child victim = env.topology().matchmakers().get(0);
    if (env.topology().matchmakers().size() < 2) throw new IllegalStateException(id() + " needs two matchmakers");
    Crowd crowd = env.crowd();
    List<ChaosUser> users = crowd.add(p.burst(), i -> i % 2);
    long start = System.nanoTime();
    for (ChaosUser u : users) u.join();
    long killAt = start + p.killAfterMs() * 1_000_000L;
    long wait = killAt - System.nanoTime();
    if (wait > 0) Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
    long tKill = System.nanoTime();
    Signals.kill9(victim);
    env.stopped().add(victim.role());
    CompletableFuture<MatchProbe.Result> probe = MatchProbe.async(env.bench(), crowd, tKill, p.recovery(), 0, 1);
    // users told to retry join again; the audit waits for the settle bound (at least BUS_TIMEOUT_MS + slack after the kill)
    long settleBy = tKill + p.settle().toNanos();
    // the audit comes no earlier than the contract's bounds: a join to the dead matchmaker is answered within
    // BUS_TIMEOUT_MS, and a match it made but did not deliver to both is undone by the sweep within
    // MATCH_CONFIRM_MS + SWEEP_INTERVAL_MS (one audit at ~3.1 s caught six such matches still pending)
    long earliestAudit = tKill + Math.max(p.unavailable().toNanos(), p.pendingMatchUndone().toNanos());
    Map<ChaosUser, Integer> retried = new LinkedHashMap<>();
    long allSettledAt = -1;
    while (System.nanoTime() < settleBy) {
      boolean settled = true;
      for (ChaosUser u : users) {
        int used = retried.getOrDefault(u, 0);
        ChaosUser.JoinAnswer a = u.answer();
        if (a == ChaosUser.JoinAnswer.REFUSED && used < p.retries()
            && System.nanoTime() - u.lastJoinNanos() >= FaultEnv.Params.JOIN_GAP_MS * 1_000_000L) {
          retried.put(u, used + 1);
          u.join();
          settled = false;
        } else if (a == ChaosUser.JoinAnswer.NONE || (a == ChaosUser.JoinAnswer.REFUSED && used < p.retries())) {
          settled = false;
        }
      }
      if (settled && allSettledAt < 0) allSettledAt = System.nanoTime();
      if (!settled) allSettledAt = -1;
      if (allSettledAt > 0 && System.nanoTime() >= earliestAudit) break;
      Thread.sleep(50);
    }
    MatchProbe.Result pr = probe.get();
    Crowd.Audit audit = crowd.audit();

    Map<String, Integer> refusals = new LinkedHashMap<>();
    double firstErr = -1;
    double lastErr = -1;
    int matched = 0;
    for (ChaosUser u : users) {
      if (u.sessionId() != null) matched++;
      for (ChaosUser.Seen s : u.all("error", start)) {
        refusals.merge(s.data().getString("code", "?"), 1, Integer::sum);
        double ms = (s.nanos() - tKill) / 1e6;
        if (firstErr < 0 || ms < firstErr) firstErr = ms;
        lastErr = Math.max(lastErr, ms);
      }
    }
    int retriesUsed = retried.values().stream().mapToInt(Integer::intValue).sum();
    r.figure("users in the burst / in a call at the end", users.size() + " / " + matched);
    r.figure("error frames received (by code)", refusals.isEmpty() ? "none" : refusals.toString());
    r.timeMs("first error heard, after the kill", firstErr);
    r.timeMs("last error heard, after the kill", lastErr, p.settle().toMillis());
    r.figure("retries used (users told to retry joining again)", retriesUsed + " by " + retried.size() + " users");
    r.timeMs("every user in a call, waiting or out of retries, after the kill",
        allSettledAt < 0 ? -1 : (allSettledAt - tKill) / 1e6, p.settle().toMillis());
    r.timeMs("matching works again (a new pair matched), after the kill", pr.ms(), p.recovery().toMillis());
    if (pr.ms() < 0) r.note("match probe: no pair matched within " + p.recovery().toMillis() + " ms; last failure: " + pr.lastFailure());
    r.audit(audit);
    List<String> left = crowd.leaveAll();
    r.leftovers(left);
    r.data.put("refusals", new io.vertx.core.json.JsonObject(new LinkedHashMap<>(refusals)));
    r.data.put("probeAttempts", pr.attempts());
    return r;
  }
}
