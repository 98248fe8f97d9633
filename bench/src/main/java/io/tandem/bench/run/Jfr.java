package io.tandem.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Java Flight Recorder on one child ({@code jcmd JFR.start} once, {@code JFR.dump begin=-Ns} per
 * measured window), summarized from {@code jfr print --events jdk.ExecutionSample}: the hottest
 * methods by own samples and by samples they appear in (Tandem and Vert.x frames), plus GC pauses.
 */
public final class Jfr {
  private static final Pattern START = Pattern.compile("startTime = (\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)");
  private static final Pattern PAUSE = Pattern.compile("sumOfPauses = ([0-9.]+) (ms|s|us|ns)");

  /**
   * JFR's method-profiling level for the recordings: {@code high} samples running Java threads every 10 ms
   * ({@code normal}: 20 ms, {@code max}: 1 ms, for a short investigation). System property
   * {@code bench.jfr.methodProfiling}.
   */
  static final String METHOD_PROFILING = System.getProperty("bench.jfr.methodProfiling", "high");

  private Jfr() {}

  public static void start(long pid, String name) throws IOException, InterruptedException {
    String out = Proc.jcmd(pid, "JFR.start", "name=" + name, "settings=default",
        "method-profiling=" + METHOD_PROFILING, "maxage=15m");
    if (!out.contains("Started recording")) throw new IOException("JFR.start failed: " + out.trim());
  }

  /** Writes the last {@code seconds} of a running recording to {@code file} (the recording goes on). */
  public static Path dump(long pid, String name, Path file, long seconds) throws IOException, InterruptedException {
    String out = Proc.jcmd(pid, "JFR.dump", "name=" + name, "filename=" + file.toAbsolutePath(), "begin=-" + seconds + "s");
    if (!Files.exists(file)) throw new IOException("JFR.dump wrote nothing: " + out.trim());
    return file;
  }

  /** A text summary of a recording: top frames by self and inclusive samples, GC pauses. */
  public static String summarize(Path jfr, String title) throws IOException, InterruptedException {
    return summarize(jfr, title, null);
  }

  /** The same, counting only events that started at or after {@code from} (local time; a dump holds whole chunks). */
  public static String summarize(Path jfr, String title, java.time.LocalTime from) throws IOException, InterruptedException {
    String samples = Proc.run(List.of(Proc.javaTool("jfr"), "print", "--stack-depth", "40", "--events", "jdk.ExecutionSample",
        jfr.toString()), 300);
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> threads = new HashMap<>();
    int total = 0;
    List<String> stack = null;
    String thread = "?";
    boolean inWindow = true;
    for (String raw : samples.split("\n")) {
      String line = raw.trim();
      if (line.startsWith("startTime = ")) {
        inWindow = from == null || !parseTime(line).isBefore(from);
      } else if (line.startsWith("sampledThread = ")) {
        thread = threadGroup(line.substring("sampledThread = ".length()));
      } else if (line.startsWith("stackTrace = [")) {
        stack = new ArrayList<>();
      } else if (stack != null && line.equals("]")) {
        if (!stack.isEmpty() && inWindow) {
          total++;
          self.merge(stack.get(0), 1, Integer::sum);
          Set<String> seen = new HashSet<>(stack);
          for (String f : seen) inclusive.merge(f, 1, Integer::sum);
          threads.merge(thread, 1, Integer::sum);
        }
        stack = null;
      } else if (stack != null && !line.equals("...")) {
        stack.add(frame(line));
      }
    }
    String gc = Proc.run(List.of(Proc.javaTool("jfr"), "print", "--events", "jdk.GarbageCollection", jfr.toString()), 120);
    double pauseMs = 0;
    double maxPauseMs = 0;
    int gcs = 0;
    if (from != null) {
      StringBuilder kept = new StringBuilder();
      for (String event : gc.split("\n}")) {
        java.util.regex.Matcher t = START.matcher(event);
        if (t.find() && !java.time.LocalTime.parse(t.group(1)).isBefore(from)) kept.append(event).append("\n}");
      }
      gc = kept.toString();
    }
    Matcher m = PAUSE.matcher(gc);
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      double ms = switch (m.group(2)) {
        case "s" -> v * 1000;
        case "us" -> v / 1000;
        case "ns" -> v / 1e6;
        default -> v;
      };
      pauseMs += ms;
      maxPauseMs = Math.max(maxPauseMs, ms);
      gcs++;
    }
    final int all = Math.max(1, total);
    StringBuilder b = new StringBuilder();
    b.append("# JFR profile: ").append(title).append('\n');
    b.append("recording: ").append(jfr.getFileName()).append(" (settings=default, method-profiling=" + METHOD_PROFILING
        + ": execution samples every " + switch (METHOD_PROFILING) { case "normal" -> "20 ms"; case "max" -> "1 ms"; default -> "10 ms"; }
        + ")\n");
    b.append(String.format(Locale.ROOT, "execution samples: %d; GC: %d collections, %.1f ms total pause, max %.1f ms%n%n", total, gcs, pauseMs, maxPauseMs));
    b.append("## samples by thread group\n");
    top(threads, 10).forEach((k, v) -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * v / all, k)));
    b.append("\n## top methods by own samples (where the CPU is)\n");
    top(self, 30).forEach((k, v) -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * v / all, k)));
    b.append("\n## top io.tandem / io.vertx.redis / event-bus / JWT frames by inclusive samples\n");
    Map<String, Integer> interesting = new HashMap<>();
    inclusive.forEach((k, v) -> {
      if (k.startsWith("io.tandem.") || k.startsWith("io.vertx.redis.") || k.contains("eventbus") || k.contains("jwt")
          || k.contains("JWT") || k.startsWith("ch.qos.logback") || k.startsWith("com.fasterxml.jackson")
          || k.startsWith("sun.security.ec") || k.startsWith("com.hazelcast")) {
        interesting.put(k, v);
      }
    });
    top(interesting, 40).forEach((k, v) -> b.append(String.format(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * v / all, k)));
    return b.toString();
  }

  static java.time.LocalTime parseTime(String line) {
    Matcher t = START.matcher(line);
    return t.find() ? java.time.LocalTime.parse(t.group(1)) : java.time.LocalTime.MIN;
  }

  /** "io.vertx.core.X.method(int, String) line: 12" → "io.vertx.core.X.method". */
  static String frame(String line) {
    int paren = line.indexOf('(');
    return paren > 0 ? line.substring(0, paren) : line;
  }

  static String threadGroup(String t) {
    String name = t.startsWith("\"") ? t.substring(1, Math.max(1, t.indexOf('"', 1))) : t;
    return name.replaceAll("[0-9]+", "N");
  }

  private static Map<String, Integer> top(Map<String, Integer> m, int n) {
    Map<String, Integer> out = new LinkedHashMap<>();
    m.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue(), a.getValue())).limit(n)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
