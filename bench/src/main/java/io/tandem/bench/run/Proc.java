package io.tandem.bench.run;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@code /proc} and {@code jcmd} tell about a child process (no JMX). */
public final class Proc {
  private static final long CLK_TCK = clockTicks();
  /** A heap (G1, ZGC) or generation (Serial, Parallel) line of {@code GC.heap_info}: committed ("total") and used, KiB. */
  private static final Pattern HEAP_USED = Pattern.compile("total\\s+(\\d+)K,\\s+used\\s+(\\d+)K");

  private Proc() {}

  /** CPU time (user + system) consumed so far, milliseconds; -1 when unknown. */
  public static long cpuMillis(long pid) {
    try {
      return statTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * 1000 / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time (user + system) the JVM's JIT compiler threads ({@code C1/C2 CompilerThread*}) consumed so far,
   * milliseconds (from {@code /proc/<pid>/task/<tid>/stat}); 0 when unknown or not a HotSpot JVM.
   */
  public static long jitMillis(long pid) {
    long ticks = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          if (comm.contains("CompilerThre")) ticks += statTicks(stat);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return ticks * 1000 / CLK_TCK;
  }

  /** User + system clock ticks of a {@code /proc/.../stat} line. */
  private static long statTicks(String stat) {
    // after "pid (comm) ": state is f[0]; utime is field 14 overall = f[11], stime f[12]
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** Resident set size, KiB; -1 when unknown. */
  public static long rssKib(long pid) {
    return statusKib(pid, "VmRSS:");
  }

  /** A {@code /proc/<pid>/status} value in KiB, or -1. */
  static long statusKib(long pid, String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException ignored) {
      // gone
    }
    return -1;
  }

  /** Soft limit of open files of a process, or -1. */
  public static long maxOpenFiles(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"))) {
        if (line.startsWith("Max open files")) return Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException ignored) {
      // gone
    }
    return -1;
  }

  /** Open file descriptors of a process, or -1. */
  public static long openFiles(long pid) {
    try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return s.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Runs {@code jcmd <pid> <command...>} and returns its output. */
  public static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaTool("jcmd"));
    cmd.add(Long.toString(pid));
    cmd.addAll(List.of(command));
    return run(cmd, 60);
  }

  /** Live heap after a full GC, KiB (jcmd GC.run, then GC.heap_info). */
  public static long liveHeapKib(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    return heapUsedKib(jcmd(pid, "GC.heap_info"));
  }

  /** Parses the {@code used} figure of {@code GC.heap_info} (summed over the generations of Serial and Parallel GC), KiB; -1 when absent. */
  public static long heapUsedKib(String heapInfo) {
    return heapSum(heapInfo, 2);
  }

  /** The committed heap ({@code total}) of {@code GC.heap_info}, summed over generations, KiB; -1 when absent. */
  public static long heapCommittedKib(String heapInfo) {
    return heapSum(heapInfo, 1);
  }

  private static long heapSum(String heapInfo, int group) {
    Matcher m = HEAP_USED.matcher(heapInfo);
    long sum = -1;
    while (m.find()) sum = Math.max(sum, 0) + Long.parseLong(m.group(group));
    return sum;
  }

  /** Live and committed heap after a full GC, KiB: {@code [used, committed]}. */
  public static long[] heapAfterGcKib(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    return new long[] {heapUsedKib(info), heapCommittedKib(info)};
  }

  static String run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " timed out");
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  /** A JDK tool next to the running java ({@code jcmd}, {@code jfr}), else from PATH. */
  public static String javaTool(String name) {
    Path p = Path.of(System.getProperty("java.home"), "bin", name);
    return Files.isExecutable(p) ? p.toString() : name;
  }

  /** CPU used by each process between two samples, as % of one core. */
  public static final class CpuWindow {
    private final List<String> names = new ArrayList<>();
    private final List<Long> pids = new ArrayList<>();
    private final List<Long> startCpu = new ArrayList<>();
    private long startNanos;

    public CpuWindow add(String name, long pid) {
      names.add(name);
      pids.add(pid);
      return this;
    }

    public CpuWindow start() {
      startCpu.clear();
      for (long pid : pids) startCpu.add(cpuMillis(pid));
      startNanos = System.nanoTime();
      Hiccups.reset();
      return this;
    }

    /** {name: percent of one core} over the window; the total can reach 100 × cores. */
    public JsonObject stop() {
      double wallMs = (System.nanoTime() - startNanos) / 1e6;
      JsonObject out = new JsonObject();
      double total = 0;
      for (int i = 0; i < pids.size(); i++) {
        long end = cpuMillis(pids.get(i));
        if (end < 0 || startCpu.get(i) < 0) continue;
        double pct = (end - startCpu.get(i)) * 100.0 / wallMs;
        total += pct;
        out.put(names.get(i), Math.round(pct));
      }
      out.put("total", Math.round(total));
      out.put("machineCapacity", Runtime.getRuntime().availableProcessors() * 100);
      // how late a 1 ms sleep in the bench process woke up: stalls of the load generator or the machine
      out.put("benchHiccups", Hiccups.reset().summary().toJson());
      return out;
    }
  }

  private static long clockTicks() {
    try {
      return Long.parseLong(run(List.of("getconf", "CLK_TCK"), 10).trim());
    } catch (Exception e) {
      return 100;
    }
  }
}
