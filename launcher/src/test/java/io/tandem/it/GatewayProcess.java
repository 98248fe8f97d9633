package io.tandem.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One gateway-service node in its own JVM (GatewayMain), joined to a test cluster; killed with SIGKILL at will. */
final class GatewayProcess implements AutoCloseable {
  /** A gateway JVM joins the cluster and serves /health/ready within this. */
  static final Duration START_BOUND = Duration.ofSeconds(60);

  final int port;
  final Process process;
  final File log;

  private GatewayProcess(int port, Process process, File log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts a gateway on {@code port} with {@code env} (cluster settings, REDIS_URL, ...); its output goes to target/{name}.log. */
  static GatewayProcess start(String name, int port, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED", "-Xmx256m"));
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.tandem.gateway.GatewayMain"));
    File log = new File("target", name + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
    pb.environment().putAll(env);
    pb.environment().put("GATEWAY_PORT", Integer.toString(port));
    pb.environment().put("MONITOR_PORT", "0"); // several gateways on one machine: no shared monitor port
    return new GatewayProcess(port, pb.start(), log);
  }

  /** Waits until /health/ready answers 200; fails if the process dies first. */
  GatewayProcess awaitReady() throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + START_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new AssertionError("gateway process died; see " + log);
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return this;
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("gateway process not ready within " + START_BOUND.toSeconds() + " s; see " + log);
  }

  /** SIGKILL: no close frames, no draining, sockets reset by the kernel. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) kill();
  }
}
