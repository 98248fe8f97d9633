package io.tandem.bench.load;

import io.tandem.bench.run.Proc;
import io.tandem.bench.run.RedisCli;
import io.tandem.bench.run.RedisCommandStats;
import io.tandem.common.Limits;
import io.tandem.common.RedisScript;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.JoinOutcome;
import io.tandem.common.store.MatchRules;
import io.tandem.common.store.RedisCallStore;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Redis's side of a call cycle on its own (issue 25 item 1): the store's scripts driven directly, one
 * call cycle after the other (A joins and is queued, B joins and is paired, the match is confirmed in
 * batches of {@link #CONFIRM_BATCH} as the matchmaker does, A ends the call), against a fresh
 * redis-server started here, with a trivial EVALSHA measured in the same run as the unit.
 * Prints Redis CPU per cycle (from {@code /proc}), the commands inside the scripts per cycle
 * ({@code INFO commandstats}) and, from a second pass with the slow log recording every command, each
 * script's calls and execution time per cycle.
 *
 * <pre>java -cp bench/target/bench-all.jar io.tandem.bench.load.ScriptCost [cycles]</pre>
 */
public final class ScriptCost {
  /** Matches a matchmaker confirms in one step in this run (it batches what it delivered in ~10 ms). */
  static final int CONFIRM_BATCH = 8;
  /** Users on each side of the rotation (partners rotate, so the rematch cooldown never blocks a pair). */
  static final int SIDE = 1000;
  /** Trivial EVALSHAs measured for the unit. */
  static final int FLOOR_CALLS = 20_000;
  static final String NODE = "bench-node";

  private ScriptCost() {}

  public static void main(String[] args) throws Exception {
    int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process server = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Vertx vertx = Vertx.vertx();
    try {
      Thread.sleep(300);
      Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:" + port);
      RedisCli cli = new RedisCli(port);
      long pid = server.pid();
      double floor = trivialCpuMicros(redis, pid);
      CallStore store = new RedisCallStore(redis);
      MatchRules rules = new MatchRules("bench", Limits.PAIR_SCAN_MAX, 60_000, Limits.RELAX_MS, Limits.REMATCH_COOLDOWN_MS);
      store.heartbeat(NODE, true).await(10, TimeUnit.SECONDS);
      List<UserRef> left = users(store, "l", SIDE);
      List<UserRef> right = users(store, "r", SIDE);
      Cycles run = new Cycles(store, rules, left, right);
      run.go(cycles / 2); // warm-up (Lua, allocator)
      cli.call("CONFIG", "RESETSTAT");
      long cpu0 = Proc.cpuMillis(pid);
      RedisCommandStats before = RedisCommandStats.read(port);
      long t0 = System.nanoTime();
      run.go(cycles);
      double wallUs = (System.nanoTime() - t0) / 1000.0 / cycles;
      long cpu1 = Proc.cpuMillis(pid);
      JsonObject commands = RedisCommandStats.read(port).perCycleSince(before, cycles);
      double perCycle = (cpu1 - cpu0) * 1000.0 / cycles;
      cli.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
      cli.call("CONFIG", "SET", "slowlog-max-len", "1000000");
      cli.call("SLOWLOG", "RESET");
      int traced = Math.min(cycles, 5_000);
      run.go(traced);
      Map<String, long[]> byScript = slowlogByScript(cli);
      System.out.printf(Locale.ROOT, "trivial EVALSHA: %.1f µs of Redis CPU%n", floor);
      System.out.printf(Locale.ROOT, "call cycle: %.1f µs of Redis CPU = %.1f trivial EVALSHAs' worth (%d cycles, %.0f µs wall each)%n",
          perCycle, perCycle / floor, cycles, wallUs);
      System.out.println("commands per cycle (inside scripts included): " + RedisCommandStats.line(commands, 30));
      System.out.println("per script per cycle (slow log, execution only):");
      byScript.forEach((name, v) -> System.out.printf(Locale.ROOT, "  %-16s %.3f calls, %.1f µs%n", name,
          v[0] / (double) traced, v[1] / (double) traced));
      JsonObject json = new JsonObject().put("trivialEvalshaMicros", floor).put("cycleMicros", perCycle)
          .put("cycleInTrivialEvalshas", perCycle / floor).put("commandsPerCycle", commands);
      System.out.println(json.encode());
      redis.close();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
      server.destroy();
      server.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static List<UserRef> users(CallStore store, String side, int n) throws Exception {
    List<UserRef> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UserRef u = new UserRef("u_" + side + i, "c_" + side + i, NODE);
      store.connect(u, "n" + i, "d" + side + i, 10_000).await(10, TimeUnit.SECONDS);
      out.add(u);
    }
    return out;
  }

  /** The call cycles, partners rotating. */
  private static final class Cycles {
    final CallStore store;
    final MatchRules rules;
    final List<UserRef> left;
    final List<UserRef> right;
    final List<String> toConfirm = new ArrayList<>();
    long n;

    Cycles(CallStore store, MatchRules rules, List<UserRef> left, List<UserRef> right) {
      this.store = store;
      this.rules = rules;
      this.left = left;
      this.right = right;
    }

    void go(int cycles) throws Exception {
      for (int i = 0; i < cycles; i++, n++) {
        UserRef a = left.get((int) (n % SIDE));
        UserRef b = right.get((int) ((n + n / SIDE) % SIDE));
        JoinOutcome first = store.join(a, List.of(), rules).await(10, TimeUnit.SECONDS);
        JoinOutcome second = store.join(b, List.of(), rules).await(10, TimeUnit.SECONDS);
        if (first != JoinOutcome.QUEUED || !(second instanceof JoinOutcome.Paired p)) {
          throw new IllegalStateException("cycle " + n + ": " + first + " / " + second);
        }
        String sid = p.pairing().sessionId();
        toConfirm.add(sid);
        if (toConfirm.size() == CONFIRM_BATCH) {
          store.confirmAll(List.copyOf(toConfirm)).await(10, TimeUnit.SECONDS);
          toConfirm.clear();
        }
        store.endCall(a, sid).await(10, TimeUnit.SECONDS);
      }
    }
  }

  private static double trivialCpuMicros(Redis redis, long pid) throws Exception {
    String sha = RedisAPI.api(redis).script(List.of("LOAD", RedisFloor.TRIVIAL)).await(10, TimeUnit.SECONDS).toString();
    for (int i = 0; i < FLOOR_CALLS / 2; i++) redis.send(Request.cmd(Command.EVALSHA).arg(sha).arg(0)).await(10, TimeUnit.SECONDS);
    long c0 = Proc.cpuMillis(pid);
    for (int i = 0; i < FLOOR_CALLS; i++) redis.send(Request.cmd(Command.EVALSHA).arg(sha).arg(0)).await(10, TimeUnit.SECONDS);
    return (Proc.cpuMillis(pid) - c0) * 1000.0 / FLOOR_CALLS;
  }

  /** Slow-log entries grouped by script name (EVALSHA's sha → RedisScript): {calls, µs}. */
  private static Map<String, long[]> slowlogByScript(RedisCli cli) throws Exception {
    Map<String, String> names = new HashMap<>();
    for (RedisScript s : RedisScript.values()) names.put(s.sha, s.name().toLowerCase(Locale.ROOT));
    Map<String, long[]> out = new TreeMap<>();
    Object reply = cli.call("SLOWLOG", "GET", "-1");
    for (Object e : (List<?>) reply) {
      List<?> entry = (List<?>) e;
      long micros = ((Number) entry.get(2)).longValue();
      List<?> argv = (List<?>) entry.get(3);
      String cmd = String.valueOf(argv.get(0)).toLowerCase(Locale.ROOT);
      String name = cmd.equals("evalsha") ? names.getOrDefault(String.valueOf(argv.get(1)), "?") : cmd;
      if (name.equals("slowlog") || name.equals("config")) continue;
      long[] v = out.computeIfAbsent(name, k -> new long[2]);
      v[0]++;
      v[1] += micros;
    }
    return out;
  }
}
