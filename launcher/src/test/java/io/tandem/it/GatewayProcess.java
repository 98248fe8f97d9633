package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gateway (GatewayMain) or another service in its own JVM, clustered with the test's nodes: stopped with SIGTERM or killed with SIGKILL. */
final class GatewayProcess implements AutoCloseable {
  /** Longest wait for the gateway to answer /health/ready. */
  static final long READY_WAIT_MS = 60_000;
  /** Longest wait for a stopped gateway to exit. */
  static final long EXIT_WAIT_SECONDS = 30;

  private final int port;
  private final Process process;
  private final String name;

  private GatewayProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
  }

  /** Starts a gateway on {@code port} with these settings (cluster, Redis) and waits until it is ready. */
  static GatewayProcess start(String name, int port, Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("GATEWAY_PORT", Integer.toString(port));
    all.put("MONITOR_PORT", "0");
    return service(name, "io.tandem.gateway.GatewayMain", port, all);
  }

  /**
   * Starts another service's main class (e.g. {@code io.tandem.matchmaker.MatchmakerMain}) with these
   * settings, and waits until {@code /health/ready} answers on {@code healthPort} (its MONITOR_PORT).
   */
  static GatewayProcess service(String name, String mainClass, int healthPort, Map<String, String> env) throws Exception {
    GatewayProcess g = new GatewayProcess(name, healthPort, launch(name, mainClass, env));
    g.awaitReady();
    return g;
  }

  /** Runs a service's main class that is expected to stop by itself (e.g. refused settings); its exit code, or fails after the wait. */
  static int exitCode(String name, String mainClass, Map<String, String> env) throws Exception {
    Process p = launch(name, mainClass, env);
    if (!p.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(name + " still running after " + EXIT_WAIT_SECONDS + " s; see target/" + name + ".log");
    }
    return p.exitValue();
  }

  /** The service's JVM (the Hazelcast flags, this test's class path), its output in target/NAME.log. */
  private static Process launch(String name, String mainClass, Map<String, String> env) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", "-Xmx256m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target", name + ".log")));
    pb.environment().putAll(env);
    return pb.start();
  }

  int port() {
    return port;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** SIGTERM (as Kubernetes stops a pod), then waits for the process to exit; returns the time it took, ms. */
  long stop() throws Exception {
    long start = System.nanoTime();
    process.destroy();
    assertTrue(process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS), name + " did not exit after SIGTERM");
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** SIGKILL: the process dies at once, its sockets with it. */
  void kill() throws Exception {
    process.destroyForcibly();
    process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS);
  }

  private void awaitReady() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.currentTimeMillis() + READY_WAIT_MS;
    while (System.currentTimeMillis() < deadline) {
      assertTrue(process.isAlive(), name + " died; see target/" + name + ".log");
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (java.io.IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not ready within " + READY_WAIT_MS + " ms");
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) kill();
  }
}
