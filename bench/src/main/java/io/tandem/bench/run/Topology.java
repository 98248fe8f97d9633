package io.tandem.bench.run;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The services under test as separate processes on 127.0.0.1: one {@code redis-server} (from PATH,
 * on a free port), one auth-service, one chat-service, N gateways and M matchmakers, clustered over
 * Hazelcast with a unique {@code CLUSTER_NAME} and a {@code CLUSTER_PORT} base per run. Every child
 * is stopped by {@link #close()} and, should the bench die, by the {@link Children} shutdown hook.
 */
public final class Topology implements AutoCloseable {
  /** The JVM flags Hazelcast needs on Java 17 (shared GOTCHAS). */
  public static final List<String> HAZELCAST_FLAGS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "-Dhazelcast.phone.home.enabled=false", "-Dhazelcast.logging.type=slf4j");
  /**
   * Every simulated user comes from 127.0.0.x, so the per-client-IP limits (100 HTTP requests and
   * 60 WebSocket handshakes per minute by default) would throttle the whole bench as one abusive
   * client. They are raised, not switched off: the Redis rate-limit check still runs on every
   * request and handshake. Per-socket frame budgets are left as they are; the scenarios stay within them.
   * The proof of work on token issue is off ({@code TOKEN_POW=off}): thousands of tokens from one address
   * would climb its schedule by design (PowCost measures that cost on its own).
   */
  public static final Map<String, String> LOAD_TEST_ENV = Map.of(
      "HTTP_RATE_PER_MINUTE", "1000000", "HTTP_RATE_BURST", "1000000", "WS_HANDSHAKES_PER_MINUTE", "1000000",
      "TOKEN_POW", "off");
  /** Consecutive ports the services' default member list names from the base (ClusterSetup). */
  static final int CLUSTER_PORT_SPAN = 32;
  /**
   * Ports per run: the cluster's span, then one block for Redis, auth, gateways and monitors. All
   * lie below the ephemeral range (32768+), so no outgoing connection can take one between the
   * check and the child's bind (which happens only after the child joined the cluster).
   */
  static final int RUN_PORT_SPAN = 80;
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * What to start.
   *
   * @param gateways number of gateway processes
   * @param matchmakers number of matchmaker processes
   * @param gatewayXmx {@code -Xmx} of each gateway
   * @param serviceXmx {@code -Xmx} of the other services
   * @param jvmArgs extra JVM flags for every service JVM
   * @param env extra environment for every service (e.g. {@code LOG_LEVEL})
   */
  public record Spec(int gateways, int matchmakers, String gatewayXmx, String serviceXmx, List<String> jvmArgs,
                     Map<String, String> env) {
    public static Spec of(int gateways, int matchmakers) {
      return new Spec(gateways, matchmakers, "512m", "256m", List.of(), LOAD_TEST_ENV);
    }

    public Spec withGatewayXmx(String xmx) {
      return new Spec(gateways, matchmakers, xmx, serviceXmx, jvmArgs, env);
    }

    public Spec withJvmArgs(List<String> more) {
      List<String> a = new ArrayList<>(jvmArgs);
      a.addAll(more);
      return new Spec(gateways, matchmakers, gatewayXmx, serviceXmx, List.copyOf(a), env);
    }

    public Spec withEnv(Map<String, String> more) {
      Map<String, String> e = new LinkedHashMap<>(env);
      e.putAll(more);
      return new Spec(gateways, matchmakers, gatewayXmx, serviceXmx, jvmArgs, e);
    }

    public String describe() {
      return gateways + " gateway" + (gateways == 1 ? "" : "s") + ", " + matchmakers + " matchmaker" + (matchmakers == 1 ? "" : "s")
          + ", 1 chat, 1 auth, 1 redis-server (separate processes)";
    }
  }

  /** One started process. */
  public record Child(String role, Process process, Path log, int port) {
    public long pid() {
      return process.pid();
    }
  }

  private final Path root;
  private final Path runDir;
  private final Spec spec;
  private final String clusterName;
  private final int clusterPort;
  private Child redis;
  private Child auth;
  private Child chat;
  private final List<Child> gateways = new ArrayList<>();
  private final List<Child> matchmakers = new ArrayList<>();
  /** How each role was started, so a fault scenario can start it again ({@link #restart}). */
  private final Map<String, Launch> launches = new LinkedHashMap<>();
  private final Map<String, Integer> starts = new LinkedHashMap<>();

  private record Launch(List<String> cmd, Map<String, String> env, int port) {}

  private Topology(Path root, Path runDir, Spec spec) {
    this.root = root;
    this.runDir = runDir;
    this.spec = spec;
    this.clusterName = "bench-" + UUID.randomUUID();
    this.clusterPort = freeClusterBase();
  }

  /** Starts everything and waits until each service is up (the caller then runs a smoke test). */
  public static Topology start(Path root, Path runDir, Spec spec) throws Exception {
    Files.createDirectories(runDir);
    Topology t = new Topology(root, runDir, spec);
    try {
      t.startAll();
    } catch (Exception e) {
      t.close();
      throw e;
    }
    return t;
  }

  private void startAll() throws Exception {
    long t0 = System.nanoTime();
    int redisPort = nextPort();
    redis = launch("redis", List.of("redis-server", "--port", Integer.toString(redisPort), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no", "--maxclients", "10000", "--protected-mode", "yes"),
        Map.of(), redisPort);
    awaitRedis(redisPort);
    // auth first: it becomes the Hazelcast master, so the others join it instead of racing to form clusters
    int authPort = nextPort();
    auth = launchService("auth", "auth-service", spec.serviceXmx(), spec.jvmArgs(), Map.of("AUTH_PORT", Integer.toString(authPort)), authPort);
    awaitHttp(auth, "/auth/jwks");
    chat = launchService("chat", "chat-service", spec.serviceXmx(), spec.jvmArgs(), Map.of(), 0);
    for (int i = 0; i < spec.matchmakers(); i++) {
      matchmakers.add(launchService("matchmaker-" + (i + 1), "matchmaker-service", spec.serviceXmx(), spec.jvmArgs(), Map.of(), 0));
    }
    // the gateways start once the others are up: six JVMs starting at once on two cores starve each
    // other's event loops for seconds, long enough for a start-up Redis call to time out
    awaitLogLine(chat, "chat-service started");
    for (Child m : matchmakers) awaitLogLine(m, "matchmaker-service started");
    for (int i = 0; i < spec.gateways(); i++) {
      int port = nextPort();
      gateways.add(launchService("gateway-" + (i + 1), "gateway-service", spec.gatewayXmx(), spec.jvmArgs(),
          Map.of("GATEWAY_PORT", Integer.toString(port), "SERVE_WEB_CLIENT", "false"), port));
    }
    for (Child g : gateways) awaitHttp(g, "/health/ready");
    System.out.printf("topology up in %.1f s: %s (cluster %s, base port %d, logs in %s)%n",
        (System.nanoTime() - t0) / 1e9, spec.describe(), clusterName, clusterPort, runDir);
  }

  private Child launchService(String role, String module, String xmx, List<String> jvmArgs, Map<String, String> env, int port)
      throws IOException {
    Path jar = pinnedJar(module);
    List<String> cmd = new ArrayList<>();
    cmd.add(Proc.javaTool("java"));
    cmd.addAll(HAZELCAST_FLAGS);
    cmd.add("-Xmx" + xmx);
    if (jvmArgs.stream().noneMatch(a -> a.matches("-XX:\\+Use\\w+GC"))) cmd.add("-XX:+UseG1GC");
    cmd.addAll(jvmArgs);
    cmd.add("-jar");
    cmd.add(jar.toString());
    Map<String, String> e = new LinkedHashMap<>();
    e.put("CLUSTER_NAME", clusterName);
    e.put("CLUSTER_PORT", Integer.toString(clusterPort));
    e.put("REDIS_URL", "redis://127.0.0.1:" + redis.port());
    e.put("MONITOR_PORT", Integer.toString(nextPort()));
    e.putAll(spec.env());
    e.putAll(env);
    return launch(role, cmd, e, port);
  }

  /**
   * A private copy of the module's jar in the run folder: a build running meanwhile rewrites
   * {@code target/*-all.jar} in place, which would break the running services mid-measurement, and
   * the copy pins the exact build the numbers belong to.
   */
  private Path pinnedJar(String module) throws IOException {
    Path jar = root.resolve(module).resolve("target").resolve(module + "-all.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing; build it with: mvn -B -q -o -DskipTests package");
    }
    Path dir = runDir.resolve("jars");
    Files.createDirectories(dir);
    Path copy = dir.resolve(jar.getFileName());
    if (!Files.exists(copy)) Files.copy(jar, copy);
    return copy;
  }

  private Child launch(String role, List<String> cmd, Map<String, String> env, int port) throws IOException {
    launches.put(role, new Launch(List.copyOf(cmd), Map.copyOf(env), port));
    int n = starts.merge(role, 1, Integer::sum);
    Path log = runDir.resolve(n == 1 ? role + ".log" : role + "-start" + n + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    // nothing from the caller's environment may point the child at another cluster or Redis
    for (String k : List.of("CLUSTER_MEMBERS", "CLUSTER_DISCOVERY", "CLUSTER_HOST", "EVENTBUS_HOST", "EVENTBUS_PORT",
        "EVENTBUS_PUBLIC_HOST", "REDIS_MODE", "JWT_PRIVATE_KEY_PATH", "JWT_PUBLIC_KEY_PATH", "HASH_SECRET", "POW_SECRET")) {
      pb.environment().remove(k);
    }
    pb.environment().putAll(env);
    Process p = pb.start();
    Children.register(p);
    return new Child(role, p, log, port);
  }

  private static void awaitRedis(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        OutputStream out = s.getOutputStream();
        out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] buf = new byte[7];
        int n = s.getInputStream().read(buf);
        if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG")) return;
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("redis-server did not answer PING on port " + port);
  }

  private void awaitHttp(Child c, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(c);
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + c.port() + path))
            .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(c.role() + " not ready within " + START_TIMEOUT.toSeconds() + " s; see " + c.log());
  }

  private void awaitLogLine(Child c, String line) throws Exception {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      requireAlive(c);
      if (Files.exists(c.log()) && Files.readString(c.log(), StandardCharsets.ISO_8859_1).contains(line)) return;
      Thread.sleep(200);
    }
    throw new IllegalStateException(c.role() + " did not log '" + line + "' within " + START_TIMEOUT.toSeconds() + " s; see " + c.log());
  }

  private static void requireAlive(Child c) throws IOException {
    if (!c.process().isAlive()) {
      String tail = "";
      if (Files.exists(c.log())) {
        List<String> lines = Files.readAllLines(c.log(), StandardCharsets.ISO_8859_1);
        tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
      }
      throw new IllegalStateException(c.role() + " exited with " + c.process().exitValue() + "; last lines of " + c.log() + ":\n" + tail);
    }
  }

  /** The child playing {@code role} now (e.g. gateway-2, matchmaker-1, auth, chat, redis). */
  public Child child(String role) {
    return all().stream().filter(c -> c.role().equals(role)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no child " + role));
  }

  /**
   * Starts {@code role} again with the same command, environment and ports (its previous process
   * must have exited) and waits until it is ready. Redis comes back empty (no persistence).
   */
  public Child restart(String role) throws Exception {
    Child old = child(role);
    if (old.process().isAlive()) throw new IllegalStateException(role + " is still running (pid " + old.pid() + ")");
    Launch l = launches.get(role);
    Child c = launch(role, l.cmd(), l.env(), l.port());
    if (role.equals("redis")) {
      redis = c;
      awaitRedis(c.port());
    } else if (role.equals("auth")) {
      auth = c;
      awaitHttp(c, "/auth/jwks");
    } else if (role.equals("chat")) {
      chat = c;
      awaitLogLine(c, "chat-service started");
    } else if (role.startsWith("gateway-")) {
      gateways.set(gateways.indexOf(old), c);
      awaitHttp(c, "/health/ready");
    } else if (role.startsWith("matchmaker-")) {
      matchmakers.set(matchmakers.indexOf(old), c);
      awaitLogLine(c, "matchmaker-service started");
    }
    return c;
  }

  /** Fails when a service process that should still run died (the ones a fault stopped on purpose are skipped). */
  public void requireAliveExcept(java.util.Set<String> stoppedOnPurpose) throws IOException {
    for (Child c : all()) if (!stoppedOnPurpose.contains(c.role())) requireAlive(c);
  }

  public int redisPort() {
    return redis.port();
  }

  public int authPort() {
    return auth.port();
  }

  public List<Child> gateways() {
    return gateways;
  }

  public List<Child> matchmakers() {
    return matchmakers;
  }

  public int gatewayPort(int i) {
    return gateways.get(i).port();
  }

  public Spec spec() {
    return spec;
  }

  /** Every child, Redis included. */
  public List<Child> all() {
    List<Child> out = new ArrayList<>();
    if (redis != null) out.add(redis);
    if (auth != null) out.add(auth);
    if (chat != null) out.add(chat);
    out.addAll(matchmakers);
    out.addAll(gateways);
    return out;
  }

  /** A CPU-usage window over every child plus the bench itself. */
  public Proc.CpuWindow cpuWindow() {
    Proc.CpuWindow w = new Proc.CpuWindow();
    for (Child c : all()) w.add(c.role(), c.pid());
    w.add("bench-client", ProcessHandle.current().pid());
    return w;
  }

  /** Stops gateways first (so their sockets close cleanly), then the rest, Redis last. */
  @Override
  public void close() {
    gateways.parallelStream().forEach(c -> Children.stop(c.process(), Duration.ofSeconds(15)));
    List<Child> rest = new ArrayList<>(matchmakers);
    if (chat != null) rest.add(chat);
    if (auth != null) rest.add(auth);
    rest.parallelStream().forEach(c -> Children.stop(c.process(), Duration.ofSeconds(15)));
    if (redis != null) Children.stop(redis.process(), Duration.ofSeconds(5));
    deletePinnedJars();
  }

  /** The pinned jar copies (about 110 MB per run) are only needed while the services run. */
  private void deletePinnedJars() {
    Path dir = runDir.resolve("jars");
    if (!Files.isDirectory(dir)) return;
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) Files.deleteIfExists(f);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      System.out.println("could not delete " + dir + ": " + e.getMessage());
    }
  }

  /** A base below the ephemeral range whose next {@link #RUN_PORT_SPAN} ports are free. */
  public static int freeClusterBase() {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 21000 + ThreadLocalRandom.current().nextInt(110) * 100;
      boolean free = true;
      for (int p = base; p < base + RUN_PORT_SPAN && free; p++) free = isFree(p);
      if (free) return base;
    }
    throw new IllegalStateException("no free range of " + RUN_PORT_SPAN + " ports below the ephemeral range");
  }

  private int nextServicePort = -1;

  /** The next free port of this run's block (after the cluster's span). */
  synchronized int nextPort() {
    if (nextServicePort < 0) nextServicePort = clusterPort + CLUSTER_PORT_SPAN;
    while (nextServicePort < clusterPort + RUN_PORT_SPAN) {
      int p = nextServicePort++;
      if (isFree(p)) return p;
    }
    throw new IllegalStateException("this run's port block is used up");
  }

  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

}
