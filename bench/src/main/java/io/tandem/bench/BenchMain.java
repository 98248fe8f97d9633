package io.tandem.bench;

import io.tandem.bench.faults.Reliability;
import io.tandem.bench.faults.Storm;
import io.tandem.bench.load.Capacity;
import io.tandem.bench.load.Churn;
import io.tandem.bench.load.Floors;
import io.tandem.bench.load.Relay;
import io.tandem.bench.load.SustainedJoins;
import io.tandem.bench.load.TimeToMatch;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Machine;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.Scenario;
import io.tandem.bench.run.Svg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code java -jar bench/target/bench-all.jar <scenario> [--options]}: starts the services as
 * separate processes, drives them over the real protocol, prints target-vs-measured tables and
 * writes {@code bench/results/<timestamp>-<scenario>.{json,svg}}.
 */
public final class BenchMain {
  static final List<Scenario> SCENARIOS = List.of(new TimeToMatch(), new SustainedJoins(), new Relay(), new Capacity(), new Churn());
  /** Scenarios run only by name, not by {@code all} (faults, not performance). */
  static final List<Scenario> ON_DEMAND = List.of(new Reliability(), new Floors(), new Storm());
  public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    Path self = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isRegularFile(self) && System.getProperty("tandem.bench.pinned") == null) {
      System.exit(relaunchFromCopy(self, args));
    }
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.println(help());
      return;
    }
    String name = args[0];
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    int code;
    try {
      if (name.equals("all")) code = runAll(rest);
      else code = runOne(find(name), rest, false, null);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      System.err.println("run 'java -jar bench/target/bench-all.jar help' for the scenarios and their options");
      code = 2;
    }
    System.exit(code);
  }

  /**
   * Runs the bench from a private copy of its jar: a Maven build running meanwhile rewrites
   * {@code bench/target/bench-all.jar} in place, which breaks a JVM still loading classes from it.
   */
  static int relaunchFromCopy(Path jar, String[] args) throws Exception {
    Path copy = Files.createTempFile("tandem-bench-", ".jar");
    Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    copy.toFile().deleteOnExit();
    List<String> cmd = new ArrayList<>();
    cmd.add(Proc.javaTool("java"));
    cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.add("-Dtandem.bench.pinned=true");
    cmd.add("-Dtandem.bench.jar=" + jar.toAbsolutePath());
    cmd.add("-cp");
    cmd.add(copy.toString());
    cmd.add(BenchMain.class.getName());
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    Thread hook = new Thread(() -> {
      if (p.isAlive()) {
        p.destroy(); // the copy's own shutdown hook stops the services it started
        try {
          p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      }
    }, "bench-copy-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    int code = p.waitFor();
    Files.deleteIfExists(copy);
    return code;
  }

  /** The bench jar as built (for locating the repository), even when running from a copy. */
  static Path builtJar() throws Exception {
    String pinned = System.getProperty("tandem.bench.jar");
    return pinned != null ? Path.of(pinned) : Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  static Scenario find(String name) {
    return java.util.stream.Stream.concat(SCENARIOS.stream(), ON_DEMAND.stream()).filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown scenario '" + name + "'"));
  }

  /** Options every scenario understands. */
  static Options common(Options o) {
    return o.declare("root", "", "repository root holding the service jars (default: found from the bench jar)")
        .declare("results", "", "folder for the result files (default <root>/bench/results)")
        .declare("profile", "", "children to record with JFR during the measured window, e.g. gateway-1,matchmaker-1 or gateway")
        .declare("idle-wait", "900", "seconds to wait for other test runs/builds on the machine to finish first")
        .declare("service-jvm", "", "extra JVM flags for every service process, space-separated (e.g. -XX:+UseZGC)")
        .declare("service-env", "", "extra environment for every service, KEY=VALUE,KEY=VALUE (e.g. LOG_LEVEL=WARN or a raised rate limit)");
  }

  private static Options optionsFor(Scenario s) {
    Options o = common(new Options());
    s.declare(o);
    return o;
  }

  /** Runs one scenario; 0 when it ran (targets missed or not), 1 when it failed to run. */
  static int runOne(Scenario s, List<String> args, boolean modest, JsonArray allSummary) throws Exception {
    Options o = optionsFor(s).parse(args);
    if (modest) s.allDefaults(o);
    Path root = root(o);
    Path results = o.str("results").isEmpty() ? root.resolve("bench").resolve("results") : Path.of(o.str("results"));
    Files.createDirectories(results);
    List<String> busyStart = Machine.awaitIdle(o.integer("idle-wait", 0, 86_400));
    double load = Machine.loadAverage();
    Instant started = Instant.now();
    String prefix = STAMP.format(started) + "-" + s.name();
    Path runDir = root.resolve("bench").resolve("target").resolve("runs").resolve(prefix);
    Files.createDirectories(runDir);
    System.out.printf(Locale.ROOT, "%n=== %s: %s%n", s.name(), s.summary());
    System.out.printf(Locale.ROOT, "machine: %d cores, load %.2f, %s%n", Runtime.getRuntime().availableProcessors(), load,
        busyStart.isEmpty() ? "no other test run or build active" : "BUSY: " + busyStart);
    List<String> profile = o.str("profile").isEmpty() ? List.of() : Arrays.stream(o.str("profile").split(",")).map(String::trim).toList();
    Outcome outcome;
    List<String> jvm = o.str("service-jvm").isBlank() ? List.of() : Arrays.asList(o.str("service-jvm").trim().split("\\s+"));
    Bench bench = new Bench(root, runDir, results, prefix, o, profile, serviceEnv(o.str("service-env")), jvm);
    try {
      outcome = s.run(bench, o);
      bench.stopProfiles();
    } catch (Exception e) {
      System.out.println("scenario " + s.name() + " failed to run: " + e);
      e.printStackTrace(System.out);
      if (allSummary != null) allSummary.add(new JsonObject().put("scenario", s.name()).put("failed", e.toString()));
      return 1;
    } finally {
      bench.close();
    }
    List<String> busyEnd = Machine.otherActivity();
    double seconds = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
    JsonObject machine = Machine.snapshot(busyStart, busyEnd, load);
    JsonArray checks = new JsonArray();
    outcome.checks.forEach(c -> checks.add(c.toJson()));
    List<String> missed = outcome.checks.stream().filter(Check::missed).map(Check::metric).toList();
    String command = "java -jar bench/target/bench-all.jar " + s.name() + (args.isEmpty() ? "" : " " + String.join(" ", args));
    JsonObject json = new JsonObject().put("scenario", s.name()).put("startedAt", started.toString()).put("wallSeconds", seconds)
        .put("command", modest ? "java -jar bench/target/bench-all.jar all" : command).put("options", new JsonObject(new java.util.LinkedHashMap<>(o.effective())))
        .put("topology", outcome.topology).put("build", Machine.build(root)).put("machine", machine).put("checks", checks).put("missedTargets", new JsonArray(missed))
        .put("details", outcome.details).put("notes", new JsonArray(outcome.notes))
        .put("profiles", new JsonArray(bench.profileSummaries.stream().map(p -> p.getFileName().toString()).toList()));
    Path jsonFile = results.resolve(prefix + ".json");
    Path svgFile = results.resolve(prefix + ".svg");
    Files.writeString(jsonFile, json.encodePrettily() + "\n");
    String subtitle = String.format(Locale.ROOT, "%s; %s; %d cores%s", started.toString().substring(0, 19) + "Z", outcome.topology,
        Runtime.getRuntime().availableProcessors(), machine.getBoolean("idle") ? ", machine otherwise idle" : ", machine BUSY with other work");
    if (!outcome.series.isEmpty()) {
      Files.writeString(svgFile, Svg.percentileChart("Tandem " + s.name() + " latency percentiles", subtitle, outcome.series, outcome.targets));
    }

    System.out.printf(Locale.ROOT, "%n--- %s results (%s; %s) ---%n", s.name(), outcome.topology,
        machine.getBoolean("idle") ? "machine otherwise idle" : "machine BUSY: " + busyStart + " / " + busyEnd);
    System.out.print(Check.table(outcome.checks));
    for (String n : outcome.notes) System.out.println("note: " + n);
    if (!missed.isEmpty()) System.out.println("TARGETS MISSED: " + String.join("; ", missed));
    System.out.println("wrote " + jsonFile + (outcome.series.isEmpty() ? "" : " and " + svgFile.getFileName()));
    if (allSummary != null) {
      allSummary.add(new JsonObject().put("scenario", s.name()).put("result", jsonFile.getFileName().toString()).put("checks", checks)
          .put("series", seriesJson(outcome)).put("idle", machine.getBoolean("idle")));
    }
    return 0;
  }

  /** The scenario's headline series (all of them when it names none). */
  private static JsonArray seriesJson(Outcome o) {
    JsonArray a = new JsonArray();
    o.series.stream().filter(s -> o.headline.isEmpty() || o.headline.contains(s.name()))
        .forEach(s -> a.add(new JsonObject().put("name", s.name()).put("summary", s.summary().toJson())));
    return a;
  }

  /** Every scenario with modest settings, one after the other (about 10 minutes on 2 cores). */
  static int runAll(List<String> args) throws Exception {
    Options o = common(new Options()).parse(args);
    Instant started = Instant.now();
    JsonArray summary = new JsonArray();
    int failures = 0;
    List<Check> combined = new ArrayList<>();
    List<Svg.Series> series = new ArrayList<>();
    for (Scenario s : SCENARIOS) {
      failures += runOne(s, args, true, summary);
    }
    for (Object x : summary) {
      JsonObject r = (JsonObject) x;
      if (r.containsKey("failed")) {
        combined.add(new Check(r.getString("scenario") + ": did not run", "-", r.getString("failed"), Check.Verdict.MISS));
        continue;
      }
      for (Object c : r.getJsonArray("checks")) {
        JsonObject cj = (JsonObject) c;
        if (cj.getString("verdict").equals("INFO")) continue;
        combined.add(new Check(r.getString("scenario") + ": " + cj.getString("metric"), cj.getString("target"), cj.getString("measured"),
            Check.Verdict.valueOf(cj.getString("verdict"))));
      }
      for (Object se : r.getJsonArray("series")) {
        JsonObject sj = (JsonObject) se;
        JsonObject m = sj.getJsonObject("summary");
        series.add(new Svg.Series(r.getString("scenario") + ": " + sj.getString("name"), new Latency.Summary(m.getLong("count"),
            m.getDouble("minMs"), m.getDouble("meanMs"), m.getDouble("p50Ms"), m.getDouble("p90Ms"), m.getDouble("p95Ms"),
            m.getDouble("p99Ms"), m.getDouble("p999Ms"), m.getDouble("maxMs"))));
      }
    }
    Path root = root(optionsFor(SCENARIOS.get(0)).parse(args));
    Path results = o.str("results").isEmpty() ? root.resolve("bench").resolve("results") : Path.of(o.str("results"));
    String prefix = STAMP.format(started) + "-all";
    double minutes = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 60000.0;
    Files.writeString(results.resolve(prefix + ".json"), new JsonObject().put("scenario", "all").put("startedAt", started.toString())
        .put("wallMinutes", minutes).put("command", "java -jar bench/target/bench-all.jar all").put("machine", Machine.describe())
        .put("runs", summary).encodePrettily() + "\n");
    List<Svg.Series> chart = series;
    Files.writeString(results.resolve(prefix + ".svg"), Svg.percentileChart("Tandem benchmarks: latency percentiles per scenario",
        started.toString().substring(0, 19) + "Z; " + Runtime.getRuntime().availableProcessors() + " cores; bench all", chart,
        List.of(new Svg.TargetLine("5 ms", 5), new Svg.TargetLine("10 ms", 10), new Svg.TargetLine("50 ms", 50))));
    System.out.printf(Locale.ROOT, "%n=== all scenarios (%.1f minutes) ===%n", minutes);
    System.out.print(Check.table(combined));
    long missed = combined.stream().filter(Check::missed).count();
    System.out.println(missed == 0 ? "every target met" : missed + " target(s) MISSED (see above)");
    System.out.println("wrote " + results.resolve(prefix + ".json") + " and " + prefix + ".svg");
    return failures == 0 ? 0 : 1;
  }

  public static java.util.Map<String, String> serviceEnv(String spec) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String kv : spec.split(",")) {
      if (kv.isBlank()) continue;
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--service-env entries must be KEY=VALUE, got '" + kv + "'");
      out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
    }
    return out;
  }

  static Path root(Options o) throws Exception {
    if (!o.str("root").isEmpty()) return Path.of(o.str("root")).toAbsolutePath();
    Path cwd = Path.of("").toAbsolutePath();
    if (Files.exists(cwd.resolve("bench").resolve("pom.xml"))) return cwd;
    Path jar = builtJar();
    // <root>/bench/target/bench-all.jar
    Path candidate = jar.getParent() == null ? null : jar.getParent().getParent() == null ? null : jar.getParent().getParent().getParent();
    if (candidate != null && Files.exists(candidate.resolve("bench").resolve("pom.xml"))) return candidate;
    throw new IllegalArgumentException("cannot find the repository root; run from it or pass --root");
  }

  static String help() {
    StringBuilder b = new StringBuilder();
    b.append("Tandem benchmarks: the real services as separate processes on 127.0.0.1, driven over the real protocol.\n\n");
    b.append("usage: java -jar bench/target/bench-all.jar <scenario> [--option value ...]\n\n");
    b.append("scenarios:\n");
    for (Scenario s : SCENARIOS) {
      b.append("  ").append(s.name()).append("\n      ").append(s.summary()).append('\n');
      Options o = new Options();
      s.declare(o);
      b.append(o.help());
    }
    for (Scenario s : ON_DEMAND) {
      b.append("  ").append(s.name()).append("\n      ").append(s.summary()).append('\n');
      Options o = new Options();
      s.declare(o);
      b.append(o.help());
    }
    b.append("  all\n      every scenario above except reliability, with modest settings for a small machine (about 10 minutes on 2 cores)\n");
    b.append("\noptions of every scenario:\n").append(common(new Options()).help());
    b.append("\nResults: bench/results/<timestamp>-<scenario>.json and .svg; service logs and JFR recordings in bench/target/runs/.\n");
    b.append("Build first: mvn -B -q -o -DskipTests package (the service jars and bench/target/bench-all.jar).\n");
    return b.toString();
  }
}
