package io.tandem.it;

import io.tandem.launcher.LocalRedis;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * redis-server and redis-sentinel processes on 127.0.0.1 with free ports, in one temp folder under
 * target/ (each with its own config file: Sentinel rewrites it). Stopped by {@link #close}, by PID.
 */
final class RedisServers implements AutoCloseable {
  static final Path SERVER = Path.of("/usr/bin/redis-server");
  static final Path SENTINEL = Path.of("/usr/bin/redis-sentinel");
  static final Path CLI = Path.of("/usr/bin/redis-cli");
  /** Longest wait for a process to answer PING, ms. */
  static final int START_WAIT_MS = 10_000;

  final Path dir;
  private final Map<Integer, Process> processes = new LinkedHashMap<>();

  RedisServers(String name) throws Exception {
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), name + "-");
  }

  /** Fails under CI=true when a binary is missing; skips with a message otherwise. */
  static void require(Path... binaries) {
    List<String> missing = new ArrayList<>();
    for (Path b : binaries) if (!Files.isExecutable(b)) missing.add(b.toString());
    if (!missing.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("CI=true but " + missing + " missing: apt-get install redis-server redis-sentinel openssl");
    }
    Assumptions.assumeTrue(missing.isEmpty(), "test skipped: " + missing + " missing (apt-get install redis-server redis-sentinel openssl)");
  }

  /** Starts redis-server with a config file of these lines (port, bind, dir and no persistence are added). */
  int server(String password, String... configLines) throws Exception {
    int port = LocalRedis.freePort();
    List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "save \"\"", "appendonly no",
        "dir " + dir, "logfile " + dir.resolve("redis-" + port + ".log")));
    lines.addAll(List.of(configLines));
    start(port, SERVER, "redis-" + port + ".conf", lines);
    waitForPing(port, password);
    return port;
  }

  /** Starts a Sentinel watching {@code master} (quorum 2, fast failure detection). */
  int sentinel(String masterName, int masterPort, String password, int downAfterMs) throws Exception {
    int port = LocalRedis.freePort();
    List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
        "logfile " + dir.resolve("sentinel-" + port + ".log"),
        "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 2",
        "sentinel down-after-milliseconds " + masterName + " " + downAfterMs,
        "sentinel failover-timeout " + masterName + " 10000",
        "sentinel parallel-syncs " + masterName + " 1"));
    if (password != null) {
      lines.add("sentinel auth-pass " + masterName + " " + password);
      lines.add("requirepass " + password);
      lines.add("sentinel sentinel-pass " + password);
    }
    start(port, SENTINEL, "sentinel-" + port + ".conf", lines);
    waitForPing(port, password);
    return port;
  }

  private void start(int port, Path binary, String configName, List<String> lines) throws Exception {
    Path conf = dir.resolve(configName);
    Files.write(conf, lines);
    processes.put(port, new ProcessBuilder(binary.toString(), conf.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(new File(dir.toFile(), configName + ".out")).start());
  }

  /** Runs redis-cli against a port (with the password when not null) and returns its trimmed output. */
  static String cli(int port, String password, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CLI.toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "--no-auth-warning"));
    if (password != null) cmd.addAll(List.of("-a", password));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(5, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "";
    }
    return new String(p.getInputStream().readAllBytes()).trim();
  }

  static void waitForPing(int port, String password) throws Exception {
    long end = System.currentTimeMillis() + START_WAIT_MS;
    while (System.currentTimeMillis() < end) {
      if ("PONG".equals(cli(port, password, "ping"))) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis on " + port + " did not answer PING");
  }

  /** Kills one process (SIGKILL: a crashed node). */
  void kill(int port) throws Exception {
    Process p = processes.remove(port);
    if (p == null) throw new IllegalArgumentException("no process on " + port);
    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    for (Process p : processes.values()) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }
}
