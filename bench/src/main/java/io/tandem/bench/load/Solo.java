package io.tandem.bench.load;

import io.tandem.bench.run.Children;
import io.tandem.bench.run.Proc;
import io.tandem.bench.run.RedisCli;
import io.tandem.bench.run.Topology;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Single processes the {@code floors} scenario starts beside the clustered topology: a
 * {@code redis-server}, the bare relay ({@link BareRelay}) and the launcher (the whole of Tandem in
 * one JVM, not clustered). Each is registered with {@link Children} so a dying bench stops it too.
 */
final class Solo {
  /** How long a child may take to answer after its start. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  private Solo() {}

  /** A started child: its process and the port it serves. */
  record Started(String role, Process process, int port, Path log) {
    long pid() {
      return process.pid();
    }

    void stop() {
      Children.stop(process, Duration.ofSeconds(20));
    }
  }

  static Started redis(Path runDir, int port) throws Exception {
    Path log = runDir.resolve("solo-redis.log");
    Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--daemonize", "no", "--maxclients", "10000", "--protected-mode", "yes")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Children.register(p);
    Started s = new Started("redis", p, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if ("PONG".equals(String.valueOf(new RedisCli(port).call("PING")))) return s;
      } catch (IOException notYet) {
        // starting
      }
      if (!p.isAlive()) break;
      Thread.sleep(50);
    }
    s.stop();
    throw new IllegalStateException("redis-server did not answer on port " + port + "; see " + log);
  }

  /** The bare relay from the bench's own jar, one event loop, {@code -Xmx}, JVM flags and transport like the launcher's. */
  static Started bareRelay(Path runDir, Path benchJar, int port, String xmx, List<String> jvmArgs, boolean nativeTransport) throws Exception {
    Path log = runDir.resolve("bare-relay.log");
    List<String> cmd = new ArrayList<>(jvm(xmx, jvmArgs));
    cmd.addAll(List.of("-cp", benchJar.toString(),
        BareRelay.class.getName(), "--port", Integer.toString(port), "--native", Boolean.toString(nativeTransport)));
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    Children.register(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("LISTENING ")) {
      Children.stop(p, Duration.ofSeconds(5));
      throw new IllegalStateException("bare relay did not start (" + line + "); see " + log);
    }
    String[] f = line.trim().split(" ");
    System.out.println("bare relay transport: " + (f.length > 2 ? f[2] : "?"));
    return new Started("bare-relay", p, Integer.parseInt(f[1]), log);
  }

  /**
   * The launcher jar ({@code launcher/target/tandem-launcher-all.jar}, copied into the run folder)
   * on {@code port}, against the given Redis, with the bench's raised per-network limits.
   */
  static Started launcher(Path root, Path runDir, int port, int monitorPort, int redisPort, String xmx, List<String> jvmArgs,
                          Map<String, String> env) throws Exception {
    Path jar = root.resolve("launcher").resolve("target").resolve("tandem-launcher-all.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing; build it with: mvn -B -q -o -DskipTests package");
    Path copy = runDir.resolve("tandem-launcher-all.jar");
    if (!Files.exists(copy)) Files.copy(jar, copy);
    List<String> cmd = new ArrayList<>(jvm(xmx, jvmArgs));
    cmd.addAll(List.of("-jar", copy.toString()));
    Path log = runDir.resolve("launcher.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    for (String k : List.of("CLUSTERED", "CLUSTER_MEMBERS", "JWT_PRIVATE_KEY_PATH", "JWT_PUBLIC_KEY_PATH", "HASH_SECRET", "AUTH_PORT")) {
      pb.environment().remove(k);
    }
    pb.environment().putAll(Topology.LOAD_TEST_ENV);
    pb.environment().putAll(env);
    pb.environment().put("REDIS_URL", "redis://127.0.0.1:" + redisPort);
    pb.environment().put("GATEWAY_PORT", Integer.toString(port));
    pb.environment().put("MONITOR_PORT", Integer.toString(monitorPort));
    pb.environment().put("SERVE_WEB_CLIENT", "false");
    Process p = pb.start();
    Children.register(p);
    Started s = new Started("launcher", p, port, log);
    awaitReady(s, "/health/ready");
    return s;
  }

  /** {@code java -Xmx<xmx>}, G1 unless the flags name another collector, then the flags (the same for the launcher and the bare relay). */
  static List<String> jvm(String xmx, List<String> jvmArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Proc.javaTool("java"));
    cmd.add("-Xmx" + xmx);
    if (jvmArgs.stream().noneMatch(a -> a.matches("-XX:\\+Use\\w+GC"))) cmd.add("-XX:+UseG1GC");
    cmd.addAll(jvmArgs);
    return cmd;
  }

  static void awaitReady(Started s, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!s.process().isAlive()) throw new IllegalStateException(s.role() + " exited; see " + s.log());
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(s.role() + " not ready within " + START_TIMEOUT.toSeconds() + " s; see " + s.log());
  }
}
