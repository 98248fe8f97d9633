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
import io.tandem.bench.run.Svg;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Sequential pairs: A joins and is {@code queued}; then B joins. Measured: from B's
 * {@code join-queue} being sent to both A and B holding {@code matched}. One pair at a time (a
 * closed loop, so there is no coordinated omission to correct); sockets are connected beforehand.
 */
public final class TimeToMatch implements Scenario {
  static final double TARGET_P99_MS = 10;

  @Override
  public String name() {
    return "time-to-match";
  }

  @Override
  public String summary() {
    return "sequential pairs; time from the second join-queue to both clients holding matched (target p99 <= 10 ms)";
  }

  @Override
  public void declare(Options o) {
    o.declare("pairs", "1000", "measured pairs, one after the other")
        .declare("warmup", "1000", "pairs run first and not measured (JIT warm-up of every process on the path)")
        .declare("gateways", "1", "gateway processes (pairs alternate: A on one, B on the next)")
        .declare("matchmakers", "1", "matchmaker processes");
  }

  @Override
  public void allDefaults(Options o) {
    o.defaultTo("pairs", "1000");
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    int pairs = o.integer("pairs", 1, 8000);
    int warmup = o.integer("warmup", 0, 8000);
    if (pairs + warmup > 8000) throw new IllegalArgumentException("--pairs + --warmup must be at most 8000 (one socket each side, all connected up front)");
    Topology.Spec spec = Topology.Spec.of(o.integer("gateways", 1, 8), o.integer("matchmakers", 1, 8));
    Outcome out = new Outcome(name());
    out.topology = spec.describe();
    bench.start(spec);
    int gws = spec.gateways();
    Latency both = new Latency();
    Latency joiner = new Latency();
    Latency waiter = new Latency();
    int failures = 0;
    List<String> failureDetails = new ArrayList<>();
    List<InvariantChecker.ClientLog> logs = new ArrayList<>();
    Proc.CpuWindow cpu = bench.topology().cpuWindow();
    int total = warmup + pairs;
    // every socket is connected up front (tokens live 5 minutes, a pair takes milliseconds), so token
    // signing and handshakes do not run while pairs are measured
    int batch = total;
    long measuredStart = 0;
    for (int from = 0; from < total; from += batch) {
      int n = Math.min(batch, total - from);
      List<Tokens.Token> tokens = bench.fetchTokens(2 * n);
      List<Ws> clients = bench.connectBlocking(tokens, i -> (i % 2 == 0) ? 0 : (1 % gws));
      Thread.sleep(2000); // let the connection burst settle (Redis registrations, GC)
      for (int p = 0; p < n; p++) {
        int index = from + p;
        boolean measured = index >= warmup;
        if (index == warmup) {
          measuredStart = System.nanoTime();
          bench.resetRedisStats();
          cpu.start();
          bench.startProfiles();
        }
        Ws a = clients.get(2 * p);
        Ws b = clients.get(2 * p + 1);
        InvariantChecker.ClientLog la = new InvariantChecker.ClientLog(a.userId());
        InvariantChecker.ClientLog lb = new InvariantChecker.ClientLog(b.userId());
        try {
          a.send(Frames.join());
          la.joined();
          a.await("queued", Bench.STEP);
          long t0 = System.nanoTime();
          b.send(Frames.join());
          lb.joined();
          Ws.Frame mb = b.await("matched", Bench.STEP);
          Ws.Frame ma = a.await("matched", Bench.STEP);
          la.matched(ma.data().getString("sessionId"), ma.data().getString("peerId"), ma.data().getString("role"));
          lb.matched(mb.data().getString("sessionId"), mb.data().getString("peerId"), mb.data().getString("role"));
          if (measured) {
            both.recordNanos(Math.max(ma.nanos(), mb.nanos()) - t0);
            joiner.recordNanos(mb.nanos() - t0);
            waiter.recordNanos(ma.nanos() - t0);
          }
          if (!"caller".equals(ma.data().getString("role"))) {
            failures++;
            if (failureDetails.size() < 10) failureDetails.add("pair " + index + ": the one who waited is not the caller");
          }
        } catch (Exception e) {
          failures++;
          if (failureDetails.size() < 10) failureDetails.add("pair " + index + ": " + e.getMessage());
        }
        if (measured) {
          logs.add(la);
          logs.add(lb);
        }
      }
      Set<String> queued = bench.queued();
      InvariantChecker.Result batchResult = InvariantChecker.check(logs, queued);
      if (from + n >= total) {
        bench.stopProfiles();
        JsonObject cpuJson = cpu.stop();
        out.details.put("cpuPercentOfOneCore", cpuJson);
        out.details.put("redisCommandStats", bench.redisCommandStats());
        out.details.put("invariants", batchResult.toJson());
        out.checks.add(Check.zero("invariant violations (matched twice, lost, bad sessions)", batchResult.total()));
      }
      Future.join(clients.stream().map(Ws::close).toList()).await(30, TimeUnit.SECONDS);
      bench.awaitDrained(Duration.ofSeconds(10));
    }
    double seconds = (System.nanoTime() - measuredStart) / 1e9;
    Latency.Summary s = both.summary();
    out.checks.add(0, Check.atMostMs("time to match p99 (sequential pairs)", s.p99(), TARGET_P99_MS));
    out.checks.add(1, Check.info("time to match p50 / p95 / max", Latency.fmt(s.p50()) + " / " + Latency.fmt(s.p95()) + " / " + Latency.fmt(s.max())));
    out.checks.add(2, Check.info("pairs measured (after " + warmup + " warm-up pairs)", Long.toString(s.count())));
    out.checks.add(Check.zero("pairs that failed or timed out", failures));
    out.details.put("bothMatched", s.toJson()).put("joinerMatched", joiner.summary().toJson())
        .put("waiterMatched", waiter.summary().toJson()).put("failures", failures).put("failureDetails", failureDetails)
        .put("pairsPerSecond", s.count() / Math.max(seconds, 1e-9));
    out.headline("both matched", both).series("joiner (callee) matched", joiner).series("waiter (caller) matched", waiter);
    out.targets.add(new Svg.TargetLine("target p99 10 ms", TARGET_P99_MS));
    out.note("Measured per pair from the moment B's join-queue is written to the moment the later of the two matched frames is read by the bench client; "
        + "the bench client, all services and Redis share the same " + Runtime.getRuntime().availableProcessors() + " cores.");
    return out;
  }
}
