package io.tandem.bench.run;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The machine the numbers come from, and whether something else (a test run, a build) was using it. */
public final class Machine {
  private Machine() {}

  public static JsonObject describe() {
    return new JsonObject()
        .put("cpus", Runtime.getRuntime().availableProcessors())
        .put("cpuModel", firstValue(Path.of("/proc/cpuinfo"), "model name"))
        .put("memTotal", firstValue(Path.of("/proc/meminfo"), "MemTotal"))
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"))
        .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
        .put("redis", redisVersion());
  }

  /** The commit and the build time of each service jar the numbers come from. */
  public static JsonObject build(Path root) {
    JsonObject jars = new JsonObject();
    for (String m : List.of("auth-service", "gateway-service", "matchmaker-service", "chat-service")) {
      Path jar = root.resolve(m).resolve("target").resolve(m + "-all.jar");
      try {
        jars.put(m, Files.getLastModifiedTime(jar).toInstant().toString());
      } catch (IOException e) {
        jars.put(m, "missing");
      }
    }
    String commit = "unknown";
    String dirty = "unknown";
    try {
      commit = Proc.run(List.of("git", "-C", root.toString(), "rev-parse", "--short", "HEAD"), 10).trim();
      dirty = Proc.run(List.of("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no"), 10).isBlank() ? "clean" : "uncommitted changes";
    } catch (IOException e) {
      // no git
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new JsonObject().put("commit", commit).put("workingTree", dirty).put("serviceJarsBuiltAt", jars);
  }

  /** The 1-minute load average, or -1. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Processes that are not ours and would distort the numbers: Maven and test JVMs (surefire).
   * The bench's own process tree is left out.
   */
  public static List<String> otherActivity() {
    Set<Long> ours = new HashSet<>();
    ours.add(ProcessHandle.current().pid());
    ProcessHandle.current().descendants().forEach(p -> ours.add(p.pid()));
    List<String> out = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
        long pid = Long.parseLong(p.getFileName().toString());
        if (ours.contains(pid)) return;
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
          // a test JVM runs the surefire/failsafe booter; a command that merely names surefire
          // options (e.g. a Maven waiting on a lock) is not a test run
          if (cmd.contains("surefirebooter") || cmd.contains("surefire/surefire")) out.add(pid + " surefire (test run)");
          else if (cmd.contains("plexus-classworlds")) out.add(pid + " maven");
        } catch (IOException | RuntimeException ignored) {
          // process gone
        }
      });
    } catch (IOException e) {
      out.add("cannot list /proc: " + e.getMessage());
    }
    return out;
  }

  /**
   * Waits until no test run (surefire) or Maven build is active, at most {@code maxSeconds}.
   * Returns what was still running when it gave up (empty = idle).
   */
  public static List<String> awaitIdle(int maxSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + maxSeconds * 1_000_000_000L;
    List<String> busy = otherActivity();
    boolean told = false;
    while (!busy.isEmpty() && System.nanoTime() < deadline) {
      if (!told) {
        System.out.println("waiting (up to " + maxSeconds + " s) for other work to finish so it does not distort the numbers: " + busy);
        told = true;
      }
      Thread.sleep(5000);
      busy = otherActivity();
    }
    return busy;
  }

  /** Machine description plus what else was running, for a result file. */
  public static JsonObject snapshot(List<String> busyAtStart, List<String> busyAtEnd, double loadAtStart) {
    return describe().put("otherActivityAtStart", new JsonArray(busyAtStart)).put("otherActivityAtEnd", new JsonArray(busyAtEnd))
        .put("idle", busyAtStart.isEmpty() && busyAtEnd.isEmpty()).put("loadAverage1mAtStart", loadAtStart);
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) return line.substring(line.indexOf(':') + 1).trim();
      }
    } catch (IOException ignored) {
      // not Linux
    }
    return "unknown";
  }

  private static String redisVersion() {
    try {
      Process p = new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "not found";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
