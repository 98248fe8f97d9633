package io.tandem.it;

import io.tandem.launcher.LocalRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis with Sentinel as the redis-sentinel component ships it, run here: three Redis "pods" and three
 * Sentinels, each configured by the shipped init script (k8s/components/redis-sentinel/redis-init.sh,
 * sentinel-init.sh) from the shipped redis.conf / sentinel.conf, exactly as the init containers do;
 * their addresses are 127.0.0.1 with free ports instead of the pods' DNS names (ME, REDIS_ADDRS,
 * SENTINEL_ADDRS), and a few loopback-only lines are appended to what the scripts wrote (port, bind,
 * dir, logfile; the last value wins; the shipped {@code dir} line, a pod's folder, is dropped first). Processes are started and stopped by PID.
 */
final class ShippedSentinels implements AutoCloseable {
  /** The patch that sets the services' Redis settings in the component. */
  static final String SERVICES = "services-use-sentinel.yaml";
  static final int PODS = 3;

  final Path dir;
  final String password;
  /** What the services ask the Sentinels for: the component's tandem-common REDIS_MASTER_NAME. */
  final String masterName;
  /** The settings the component gives the services (tandem-common) and the matchmaker. */
  final Map<String, String> serviceSettings = new LinkedHashMap<>();
  final List<Integer> redisPorts = new ArrayList<>();
  final List<Integer> sentinelPorts = new ArrayList<>();
  /** What each Redis init printed ("starting as master" / "starting as replica of ..."), by port. */
  final Map<Integer, String> initOutput = new LinkedHashMap<>();
  private final Path passwordFile;
  private final Map<Integer, Process> processes = new LinkedHashMap<>();

  ShippedSentinels(String password) throws Exception {
    RedisServers.require(RedisServers.SERVER, RedisServers.CLI);
    this.dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "shipped-sentinel-");
    this.password = password;
    this.passwordFile = dir.resolve("redis-password");
    Files.writeString(passwordFile, password);
    Path services = ShippedFiles.component("redis-sentinel", SERVICES);
    serviceSettings.putAll(ShippedFiles.configMapData(services, "tandem-common"));
    serviceSettings.putAll(ShippedFiles.configMapData(services, "matchmaker-service-config"));
    masterName = serviceSettings.get("REDIS_MASTER_NAME");
    if (masterName == null) throw new IllegalStateException(SERVICES + " sets no REDIS_MASTER_NAME");
    for (int i = 0; i < PODS; i++) {
      redisPorts.add(LocalRedis.freePort());
      sentinelPorts.add(LocalRedis.freePort());
    }
  }

  private Map<String, String> env(String me, String out) {
    Map<String, String> env = new HashMap<>();
    env.put("SCRIPTS", ShippedFiles.component("redis-sentinel", "redis.conf").getParent().toString());
    env.put("PASSWORD_FILE", passwordFile.toString());
    env.put("MASTER_NAME", masterName);
    env.put("ME", me);
    env.put("OUT", out);
    env.put("REDIS_ADDRS", addrs(redisPorts));
    env.put("SENTINEL_ADDRS", addrs(sentinelPorts));
    return env;
  }

  private static String addrs(List<Integer> ports) {
    return String.join(" ", ports.stream().map(p -> "127.0.0.1:" + p).toList());
  }

  /** Starts Redis pod i the way its pod starts: redis-init.sh, then redis-server with what it wrote. */
  void startRedis(int i) throws Exception {
    int port = redisPorts.get(i);
    Path conf = dir.resolve("redis-" + i + ".conf");
    Map<String, String> env = env("127.0.0.1:" + port, conf.toString());
    env.put("EXPORTER_PASSWORDS", dir.resolve("exporter-passwords-" + i + ".json").toString());
    ShippedFiles.Run init = ShippedFiles.run(ShippedFiles.component("redis-sentinel", "redis-init.sh"), env, dir);
    if (init.exitCode() != 0) throw new AssertionError("redis-init.sh failed: " + init.output());
    initOutput.put(port, init.output().trim());
    Path data = Files.createDirectories(dir.resolve("data-" + i));
    if (ShippedFiles.drop(conf, "dir") != 1) throw new AssertionError("redis.conf should set dir once");
    ShippedFiles.append(conf, "SentinelFailoverIT: loopback only", List.of("port " + port, "bind 127.0.0.1", "dir " + data,
        "logfile " + dir.resolve("redis-" + i + ".log")));
    start(port, List.of(RedisServers.SERVER.toString(), conf.toString()), "redis-" + i);
  }

  /** Starts Sentinel i the way its pod starts: sentinel-init.sh, then redis-server --sentinel. */
  void startSentinel(int i) throws Exception {
    int port = sentinelPorts.get(i);
    Path conf = dir.resolve("sentinel-" + i + ".conf");
    ShippedFiles.Run init = ShippedFiles.run(ShippedFiles.component("redis-sentinel", "sentinel-init.sh"), env("127.0.0.1:" + port, conf.toString()), dir);
    if (init.exitCode() != 0) throw new AssertionError("sentinel-init.sh failed: " + init.output());
    ShippedFiles.drop(conf, "dir");
    ShippedFiles.append(conf, "SentinelFailoverIT: loopback only", List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
        "logfile " + dir.resolve("sentinel-" + i + ".log")));
    start(port, List.of(RedisServers.SERVER.toString(), conf.toString(), "--sentinel"), "sentinel-" + i);
  }

  private void start(int port, List<String> command, String name) throws Exception {
    processes.put(port, new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile()).start());
    RedisServers.waitForPing(port, password);
  }

  /** The services' REDIS_URL: every Sentinel, with the password. */
  String url() {
    StringBuilder urls = new StringBuilder();
    for (int s : sentinelPorts) urls.append(urls.length() == 0 ? "" : ",").append("redis://:").append(password).append("@127.0.0.1:").append(s);
    return urls.toString();
  }

  /** Kills the process on a port (SIGKILL: a crashed node). */
  void kill(int port) throws Exception {
    Process p = processes.remove(port);
    if (p == null) throw new IllegalArgumentException("no process on " + port);
    p.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    processes.values().forEach(ShippedFiles::stop);
    processes.clear();
  }
}
