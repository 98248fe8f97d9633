package io.tandem.bench.load;

import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Svg;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Offers (~2.5 KB SDP), ICE candidates and chat messages between matched pairs at a fixed total
 * rate, half the pairs on one gateway, half across two gateways. Latency per message from its
 * intended send time to its arrival at the peer (coordinated-omission free).
 */
public final class Relay implements Scenario {
  static final double TARGET_P99_MS = 5;

  @Override
  public String name() {
    return "relay";
  }

  @Override
  public String summary() {
    return "offers, candidates and chat between matched pairs, same-gateway and cross-gateway (target p99 <= 5 ms at 5,000 msg/s)";
  }

  @Override
  public void declare(Options o) {
    o.declare("rate", "5000", "messages per second, all pairs and kinds together; a comma-separated list runs one phase per rate (a sweep)")
        .declare("seconds", "20", "measured time")
        .declare("warmup-seconds", "60", "most unmeasured traffic first (5 s steps at the highest rate until CPU use settles)")
        .declare("pairs", "auto", "pairs per placement (same-gateway and cross-gateway); auto = enough that no socket exceeds "
            + "75% of the gateway's per-socket budget (chat 2/s, signaling 50/s)")
        .declare("kinds", "offer,candidate,chat", "message kinds, rotated evenly")
        .declare("gateways", "2", "gateway processes (at least 2 for cross-gateway pairs)")
        .declare("matchmakers", "1", "matchmaker processes");
  }

  @Override
  public void allDefaults(Options o) {
    o.defaultTo("seconds", "15");
  }

  @Override
  public Outcome run(Bench bench, Options o) throws Exception {
    List<Integer> rates = o.integers("rate", 1, 200_000);
    double rate = rates.stream().mapToInt(Integer::intValue).max().orElseThrow();
    double seconds = o.decimal("seconds", 1, 240);
    double warmup = o.decimal("warmup-seconds", 0, 120);
    List<String> kinds = Arrays.stream(o.str("kinds").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    int gws = o.integer("gateways", 1, 8);
    int auto = pairsFor(rate, kinds, gws > 1 ? 2 : 1);
    int n = o.str("pairs").equals("auto") ? auto : o.integer("pairs", 1, 5000);
    boolean withinBudget = n >= auto;
    if (!withinBudget) {
      System.out.printf(Locale.ROOT, "note: %d pairs per placement make each socket exceed the gateway's per-socket frame budget at %s msg/s "
          + "(auto would use %d); expect rate-limited errors%n", n, Check.num(rate), auto);
    }
    Topology.Spec spec = Topology.Spec.of(gws, o.integer("matchmakers", 1, 8));
    Outcome out = new Outcome(name());
    out.topology = spec.describe();
    bench.start(spec);
    List<RelayEngine.Pair> pairs = makePairs(bench, n, gws);
    RelayEngine engine = new RelayEngine(pairs, kinds);
    io.vertx.core.json.JsonArray warmups = new io.vertx.core.json.JsonArray();
    if (warmup > 0) {
      // Warm up in 5 s steps at the highest rate until the machine's CPU use settles (the JIT of seven JVMs
      // on two cores takes a while); at most --warmup-seconds.
      long until = System.nanoTime() + (long) (warmup * 1e9);
      double previous = Double.MAX_VALUE;
      int step = 0;
      while (System.nanoTime() < until) {
        Proc.CpuWindow cpu = bench.topology().cpuWindow().start();
        RelayEngine.Run w = engine.run(1000 + step, rate, Math.min(5, warmup), 2000);
        long total = cpu.stop().getLong("total");
        warmups.add(total);
        System.out.printf(Locale.ROOT, "warm-up step %d: %,d messages at %s msg/s, CPU %d%% of %d%% (not measured)%n", ++step, w.sent(),
            Check.num(rate), total, Runtime.getRuntime().availableProcessors() * 100);
        // settled: no longer falling by more than 10% and not pinned at the machine's capacity
        if (step >= 3 && total >= previous * 0.9 && total < Runtime.getRuntime().availableProcessors() * 100 * 0.85) break;
        previous = total;
      }
    }
    io.vertx.core.json.JsonArray runs = new io.vertx.core.json.JsonArray();
    long maxLag = 0;
    for (int ri = 0; ri < rates.size(); ri++) {
      int phaseRate = rates.get(ri);
      boolean last = ri == rates.size() - 1;
      String at = rates.size() > 1 ? String.format(Locale.ROOT, " @ %s msg/s", Check.num(phaseRate)) : "";
      bench.resetRedisStats();
      Proc.CpuWindow cpu = bench.topology().cpuWindow().start();
      if (last) bench.startProfiles();
      RelayEngine.Run r = engine.run(1 + ri, phaseRate, seconds, 5000);
      if (last) bench.stopProfiles();
      JsonObject cpuJson = cpu.stop();
      JsonObject rj = r.toJson().put("cpuPercentOfOneCore", cpuJson);
      runs.add(rj);
      maxLag = Math.max(maxLag, r.maxLagNanos());
      System.out.printf(Locale.ROOT, "%,d msg/s: %s%n", phaseRate, r.byGroup().entrySet().stream()
          .map(e -> e.getKey() + " p50 " + Latency.fmt(e.getValue().summary().p50()) + " p99 " + Latency.fmt(e.getValue().summary().p99()))
          .reduce((x, y) -> x + ", " + y).orElse("") + String.format(Locale.ROOT, "; sender lag max %.1f ms; bench hiccup max %s; CPU %d%% of %d%%",
              r.maxLagNanos() / 1e6, Latency.fmt(cpuJson.getJsonObject("benchHiccups").getDouble("maxMs")), cpuJson.getLong("total"), cpuJson.getLong("machineCapacity")));
      if (!r.pacerStalls.isEmpty()) System.out.println("the sender fell behind; its stack then: " + r.pacerStalls.get(0));
      for (Map.Entry<String, Latency> e : r.byGroup().entrySet()) {
        Latency.Summary s = e.getValue().summary();
        out.checks.add(Check.atMostMs(String.format(Locale.ROOT, "relay p99 %s @ %s msg/s", e.getKey(), Check.num(phaseRate)), s.p99(), TARGET_P99_MS));
        out.headline(e.getKey() + (rates.size() > 1 ? at : ", all kinds"), e.getValue());
      }
      if (rates.size() == 1) {
        for (Map.Entry<String, Latency> e : r.byGroupKind().entrySet()) {
          Latency.Summary s = e.getValue().summary();
          out.checks.add(Check.info("p50 / p99 / max " + e.getKey(), Latency.fmt(s.p50()) + " / " + Latency.fmt(s.p99()) + " / " + Latency.fmt(s.max())));
          out.series(e.getKey(), e.getValue());
        }
      }
      out.checks.add(Check.info("load generator: max sender lag / bench hiccup" + at, Latency.fmt(r.maxLagNanos() / 1e6) + " / "
          + Latency.fmt(cpuJson.getJsonObject("benchHiccups").getDouble("maxMs"))));
      if (r.maxLagNanos() > 20_000_000L) {
        out.note(String.format(Locale.ROOT, "At %s msg/s the load generator itself fell %.0f ms behind its schedule (it shares the 2 cores); "
            + "latencies are measured from the intended send times, so that lag is included.", Check.num(phaseRate), r.maxLagNanos() / 1e6));
      }
      out.checks.add(Check.info("messages sent (achieved rate)" + at, String.format(Locale.ROOT, "%,d (%s msg/s)", r.sent(), Check.num(r.sent() / seconds))));
      out.checks.add(Check.zero("lost messages" + at, r.lost()));
      out.checks.add(Check.zero("duplicated or misdelivered messages" + at, r.duplicates() + r.misdelivered()));
      out.checks.add(Check.zero("error frames" + at, r.errorCount()));
    }
    out.details.put("runs", runs).put("warmupCpuPercentSteps", warmups);
    out.targets.add(new Svg.TargetLine("target p99 5 ms", TARGET_P99_MS));
    out.note(String.format(Locale.ROOT, "%d same-gateway and %d cross-gateway pairs (" + (withinBudget ? "each socket within" : "sockets OVER")
        + " the gateway's per-socket frame budget); "
        + "kinds rotate %s; offers carry a ~2.5 KB SDP; chat goes through chat-service; "
        + "latency from the intended send time (open loop); max sender lag %.1f ms.", n, gws > 1 ? n : 0, kinds, maxLag / 1e6));
    for (RelayEngine.Pair p : pairs) {
      p.a().close();
      p.b().close();
    }
    return out;
  }

  /** Chat frames per second one socket may send (the gateway's budget is 2/s; the bench keeps 25% margin). */
  static final double CHAT_PER_SOCKET = 1.5;
  /** Offers and candidates per second one socket may send (budget 50/s, 25% margin). */
  static final double SIGNALING_PER_SOCKET = 37.5;

  /** Pairs per placement so that every sending socket stays within its per-socket frame budget. */
  static int pairsFor(double rate, List<String> kinds, int placements) {
    double chat = rate * kinds.stream().filter("chat"::equals).count() / kinds.size();
    double signaling = rate - chat;
    double senders = Math.max(chat / CHAT_PER_SOCKET, signaling / SIGNALING_PER_SOCKET);
    int pairs = (int) Math.ceil(senders / 2);
    return Math.max(1, (pairs + placements - 1) / placements);
  }

  /** n same-gateway pairs (alternating gateways) and, with two or more gateways, n cross-gateway pairs. */
  static List<RelayEngine.Pair> makePairs(Bench bench, int n, int gws) throws Exception {
    int crossPairs = gws > 1 ? n : 0;
    int clients = 2 * (n + crossPairs);
    List<Tokens.Token> tokens = bench.fetchTokens(clients);
    List<Ws> ws = bench.connectBlocking(tokens, i -> {
      int pair = i / 2;
      boolean cross = pair >= n;
      int base = pair % gws;
      return cross && i % 2 == 1 ? (base + 1) % gws : base;
    });
    List<RelayEngine.Pair> pairs = new ArrayList<>();
    for (int p = 0; p < n + crossPairs; p++) {
      Ws a = ws.get(2 * p);
      Ws b = ws.get(2 * p + 1);
      Bench.pair(a, b);
      pairs.add(new RelayEngine.Pair(a, b, ((JsonObject) a.state).getString("sessionId"), p >= n ? "cross-gateway" : "same-gateway"));
    }
    return pairs;
  }
}
