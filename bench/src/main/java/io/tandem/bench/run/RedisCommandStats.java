package io.tandem.bench.run;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Redis's own count of commands ({@code INFO commandstats}): calls and microseconds per command name,
 * commands run inside scripts included (Redis 7 counts them under their own name). The difference
 * of two snapshots divided by the call cycles between them is what one cycle costs the store, command
 * by command — issue 13's "count the commands and the CPU per call cycle".
 */
public final class RedisCommandStats {
  /** Calls and microseconds of one command name. */
  record Counter(long calls, long usec) {}

  private final Map<String, Counter> byCommand;

  private RedisCommandStats(Map<String, Counter> byCommand) {
    this.byCommand = byCommand;
  }

  /** A snapshot of the server on {@code port}. */
  public static RedisCommandStats read(int port) throws IOException {
    Object reply = new RedisCli(port).call("INFO", "commandstats");
    if (!(reply instanceof String text)) throw new IOException("INFO commandstats answered " + reply);
    return parse(text);
  }

  /** Parses {@code cmdstat_<name>:calls=N,usec=M,...} lines; other lines are ignored. */
  static RedisCommandStats parse(String info) {
    Map<String, Counter> m = new TreeMap<>();
    for (String line : info.split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) continue;
      int colon = line.indexOf(':');
      if (colon < 0) continue;
      String name = line.substring("cmdstat_".length(), colon);
      long calls = 0;
      long usec = 0;
      for (String kv : line.substring(colon + 1).split(",")) {
        int eq = kv.indexOf('=');
        if (eq < 0) continue;
        String k = kv.substring(0, eq);
        if (k.equals("calls")) calls = Long.parseLong(kv.substring(eq + 1));
        else if (k.equals("usec")) usec = Long.parseLong(kv.substring(eq + 1));
      }
      m.put(name, new Counter(calls, usec));
    }
    return new RedisCommandStats(m);
  }

  /** Per cycle, command by command (most calls first): {name: {calls, usec}}, from {@code before} to this snapshot. */
  public JsonObject perCycleSince(RedisCommandStats before, long cycles) {
    Map<String, Counter> diff = new LinkedHashMap<>();
    byCommand.forEach((name, now) -> {
      Counter was = before.byCommand.getOrDefault(name, new Counter(0, 0));
      long calls = now.calls - was.calls;
      if (calls > 0) diff.put(name, new Counter(calls, now.usec - was.usec));
    });
    JsonObject out = new JsonObject();
    double n = Math.max(1, cycles);
    diff.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, Counter> e) -> -e.getValue().calls))
        .forEach(e -> out.put(e.getKey(), new JsonObject()
            .put("calls", Math.round(e.getValue().calls / n * 100) / 100.0)
            .put("usec", Math.round(e.getValue().usec / n * 10) / 10.0)));
    return out;
  }

  /** One line: {@code evalsha 9.00 (210.3 µs), hmget 31.00 (...), ...} (the top {@code max} by calls). */
  public static String line(JsonObject perCycle, int max) {
    StringBuilder sb = new StringBuilder();
    int i = 0;
    for (String name : perCycle.fieldNames()) {
      if (i++ == max) {
        sb.append(", …");
        break;
      }
      JsonObject c = perCycle.getJsonObject(name);
      if (sb.length() > 0) sb.append(", ");
      sb.append(String.format(Locale.ROOT, "%s %.2f (%.1f µs)", name, c.getDouble("calls"), c.getDouble("usec")));
    }
    return sb.toString();
  }
}
