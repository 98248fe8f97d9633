package io.tandem.bench.faults;

import io.tandem.bench.BenchMain;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Check;
import io.tandem.bench.run.Options;
import io.tandem.bench.run.Outcome;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reconnect storm ({@link Storm}), small: 400 sockets in 200 calls on gateway-1 and 20 calls on
 * gateway-2 (separate processes, a real redis-server); gateway-1 is killed with SIGKILL and its users
 * come back to gateway-2 with the web client's timing. Fails unless at least 99% of the calls are
 * resumed (both users) within RESUME_GRACE_MS, no socket of gateway-2 dropped, no resumed socket
 * dropped and every resumed call relays again. The full size (10,000 sockets) is the bench's
 * {@code storm} scenario. Needs the service jars and redis-server, like {@link ReliabilityIT}.
 */
class StormIT {
  static final List<String> SMALL = List.of("--sockets", "400", "--control-calls", "20", "--warmup-sockets", "400");

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void aKilledGatewaysCallsAreResumedOnTheOther() throws Exception {
    ReliabilityIT.requireRedis();
    Path root = ReliabilityIT.rootWithServiceJars();
    Storm scenario = new Storm();
    Options o = new Options();
    scenario.declare(o);
    o.parse(SMALL);
    String prefix = BenchMain.STAMP.format(Instant.now()) + "-storm-it";
    Path runDir = root.resolve("bench").resolve("target").resolve("storm-it").resolve(prefix);
    Files.createDirectories(runDir);
    Bench bench = new Bench(root, runDir, runDir, prefix, o, List.of(), Map.of(), List.of());
    Outcome out;
    try {
      out = scenario.run(bench, o);
    } finally {
      bench.close();
    }
    Files.writeString(runDir.resolve(prefix + ".json"), out.details.encodePrettily() + "\n");
    String table = Check.table(out.checks);
    System.out.print(table);
    List<String> missed = out.checks.stream().filter(Check::missed).map(c -> c.metric() + ": " + c.measured() + " (target " + c.target() + ")").toList();
    assertTrue(missed.isEmpty(), "reconnect storm missed:\n  " + String.join("\n  ", missed) + "\n" + table + "figures: " + runDir);
  }
}
