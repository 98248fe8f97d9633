package io.tandem.bench.faults;

import io.tandem.bench.BenchMain;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Options;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reliability suite, fast: every fault of {@link Reliability} against the real services as
 * separate processes and a real redis-server, with smaller sizes (a 200-join burst, 8 live calls,
 * an 8 s freeze). Fails when any invariant is violated after any fault; the timing figures are
 * printed (and written to {@code bench/target/reliability-it/}), not asserted beyond the invariants.
 * Needs the services' jars (the reactor packages them first) and {@code redis-server} on PATH:
 * without it the test fails under {@code CI=true} and is skipped elsewhere. It runs with every
 * {@code mvn verify}; {@code -Dtandem.reliability.skip=true} skips it locally (never under CI=true).
 */
class ReliabilityIT {
  /** The fast settings: about 2-3 minutes on 2 cores. */
  static final List<String> FAST = List.of("--burst", "200", "--kill-after-ms", "300", "--calls", "8", "--freeze-seconds", "8",
      "--settle-ms", "15000", "--recovery-ms", "15000");
  /** {@code -Dtandem.reliability.skip=true} skips the suite on a developer's machine; CI=true always runs it. */
  static final String SKIP_PROPERTY = "tandem.reliability.skip";
  static final List<String> SERVICES = List.of("auth-service", "gateway-service", "matchmaker-service", "chat-service");

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void everyFaultLeavesTheInvariantsIntact() throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    Assumptions.assumeFalse(!ci && Boolean.getBoolean(SKIP_PROPERTY),
        "Reliability suite skipped (-D" + SKIP_PROPERTY + "=true; ignored under CI=true)");
    requireRedis();
    Path root = rootWithServiceJars();
    Reliability scenario = new Reliability();
    Options o = new Options();
    scenario.declare(o);
    o.parse(FAST);
    FaultEnv.Params p = Reliability.params(o);
    String prefix = BenchMain.STAMP.format(Instant.now()) + "-reliability-it";
    Path runDir = root.resolve("bench").resolve("target").resolve("reliability-it").resolve(prefix);
    Files.createDirectories(runDir);
    Bench bench = new Bench(root, runDir, runDir, prefix, o, List.of(), Map.of(), List.of());
    long t0 = System.nanoTime();
    List<FaultReport> reports;
    try {
      reports = Reliability.runFaults(bench, p, Reliability.faults(o.str("faults")));
    } finally {
      bench.close();
    }
    JsonArray all = new JsonArray();
    reports.forEach(r -> all.add(r.toJson()));
    Path json = runDir.resolve(prefix + ".json");
    Files.writeString(json, new JsonObject().put("options", new JsonObject(new java.util.LinkedHashMap<>(o.effective())))
        .put("seconds", (System.nanoTime() - t0) / 1e9).put("faults", all).encodePrettily() + "\n");
    List<String> failures = new ArrayList<>();
    for (FaultReport r : reports) {
      for (String f : r.failed()) failures.add("[" + r.id + "] " + f);
    }
    List<String> details = new ArrayList<>();
    for (FaultReport r : reports) for (String d : r.details) details.add("[" + r.id + "] " + d);
    System.out.printf("reliability suite: %d faults in %.0f s; figures in %s%n", reports.size(), (System.nanoTime() - t0) / 1e9, json);
    assertTrue(failures.isEmpty(), "invariants violated:\n  " + String.join("\n  ", failures) + "\nexamples:\n  "
        + String.join("\n  ", details.subList(0, Math.min(40, details.size()))) + "\nfigures: " + json);
  }

  /** The repository root (the bench module's parent); fails when a service jar is missing. */
  static Path rootWithServiceJars() {
    Path root = Path.of("").toAbsolutePath().getParent();
    for (String m : SERVICES) {
      Path jar = root.resolve(m).resolve("target").resolve(m + "-all.jar");
      if (!Files.isRegularFile(jar)) fail(jar + " is missing: run through the reactor (mvn -pl bench -am verify) or package first");
    }
    return root;
  }

  /** Fails under CI=true when redis-server is missing; skips with a message elsewhere. */
  static void requireRedis() {
    boolean present = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "redis-server"))) present = true;
    }
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but redis-server is not on PATH: apt-get install redis-server");
    }
    Assumptions.assumeTrue(present, "skipped: install redis-server (Debian package redis-server) to run it");
  }
}
