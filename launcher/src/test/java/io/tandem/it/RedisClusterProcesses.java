package io.tandem.it;

import io.tandem.launcher.LocalRedis;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** A real Redis Cluster of three masters, from redis-server processes on loopback, made with redis-cli. */
final class RedisClusterProcesses implements AutoCloseable {
  final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  static void requireBinaries() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/redis-server")) && Files.isExecutable(Path.of("/usr/bin/redis-cli"));
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("CI=true but redis-server / redis-cli are missing: apt-get install redis-server");
    }
    Assumptions.assumeTrue(present, "Redis Cluster test skipped: install Debian's redis-server (with redis-cli) to run it");
  }

  RedisClusterProcesses(int masters) throws Exception {
    try {
      start(masters);
    } catch (Exception | Error e) {
      close(); // nodes already started do not outlive a failed start
      throw e;
    }
  }

  private void start(int masters) throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "redis-cluster-");
    for (int i = 0; i < masters; i++) {
      int port = LocalRedis.freePort();
      // the cluster bus port is chosen free too (Redis' default, port + 10000, may be some other socket's)
      int busPort = LocalRedis.freePort();
      ports.add(port);
      processes.add(new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPort),
          "--cluster-config-file", "nodes-" + port + ".conf", "--save", "", "--appendonly", "no")
          .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "redis-" + port + ".log")).start());
    }
    for (int port : ports) waitForPing(port);
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-cli", "--cluster", "create"));
    for (int port : ports) cmd.add("127.0.0.1:" + port);
    cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    Process create = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File(dir.toFile(), "create.log")).start();
    if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed; see " + dir.resolve("create.log"));
    }
    for (int port : ports) waitForClusterOk(port);
  }

  /** Comma-separated seed URLs for REDIS_URL. */
  String urls() {
    return String.join(",", ports.stream().map(p -> "redis://127.0.0.1:" + p).toList());
  }

  private static String cli(int port, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/redis-cli", "-p", Integer.toString(port)));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.waitFor(5, TimeUnit.SECONDS);
    return new String(p.getInputStream().readAllBytes()).trim();
  }

  private static void waitForPing(int port) throws Exception {
    for (int i = 0; i < 100; i++) {
      if ("PONG".equals(cli(port, "ping"))) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis on " + port + " did not start");
  }

  private static void waitForClusterOk(int port) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (cli(port, "cluster", "info").contains("cluster_state:ok")) return;
      Thread.sleep(50);
    }
    throw new IllegalStateException("cluster not ok on " + port);
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) p.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
