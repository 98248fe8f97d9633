package io.tandem.it;

import io.tandem.launcher.LocalRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * coturn as the coturn component ships it, run here: k8s/components/coturn/coturn-init.sh writes the
 * configuration from the shipped turnserver.conf (its public address asked of a STUN server: a
 * STUN-only turnserver on loopback stands in for the public ones, so the detected address is
 * 127.0.0.1, the "node's" own), then a few loopback-only lines are appended (listening and relay
 * address, free ports, loopback peers, the test certificate's and the pid file's paths), and
 * Debian's turnserver starts with {@code -c} that file, TLS on, beside cert-reload.sh as its sidecar.
 */
final class ShippedCoturn implements AutoCloseable {
  static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
  static final Path STUNCLIENT = Path.of("/usr/bin/turnutils_stunclient");
  /** How often the reload sidecar looks at the certificate here (30 s in the pod). */
  static final int RELOAD_INTERVAL_SECONDS = 1;
  /** Longest wait for coturn to listen, ms. */
  static final int START_WAIT_MS = 10_000;

  final Path dir;
  final TestCertificates certs;
  final int port;
  final int tlsPort;
  final Path conf;
  final Path log;
  final String initOutput;
  /** The loopback STUN server standing in for the public ones ("127.0.0.1:port"). */
  final String stunServer;
  private Process stun;
  private Process turn;
  private Process reload;

  /** Fails under CI=true when coturn or openssl is missing; skips otherwise. */
  static void require() {
    boolean present = Files.isExecutable(TURNSERVER) && Files.isExecutable(STUNCLIENT);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail("CI=true but turnserver is missing: apt-get install coturn");
    Assumptions.assumeTrue(present, "TURN test skipped: install Debian's coturn to run it");
    TestCertificates.require();
  }

  ShippedCoturn(String secret) throws Exception {
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "coturn-");
    certs = new TestCertificates(dir);
    Path secretFile = dir.resolve("turn-secret");
    Files.writeString(secretFile, secret);
    int stunPort = LocalRedis.freePort();
    stun = new ProcessBuilder(TURNSERVER.toString(), "-n", "--stun-only", "--listening-ip", "127.0.0.1", "--listening-port",
        Integer.toString(stunPort), "--no-tls", "--no-dtls", "--no-cli", "--log-file", "stdout", "--pidfile", dir.resolve("stun.pid").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stun.log").toFile()).start();
    waitForPort(stun, stunPort, dir.resolve("stun.log"));
    stunServer = "127.0.0.1:" + stunPort;
    conf = dir.resolve("turnserver.conf");
    ShippedFiles.Run init = init(Map.of("STUN_SERVERS", stunServer, "HOST_IP", "127.0.0.1",
        "SECRET_FILE", secretFile.toString(), "OUT", conf.toString()));
    if (init.exitCode() != 0) throw new AssertionError("coturn-init.sh failed: " + init.output());
    initOutput = init.output();
    port = LocalRedis.freePort();
    tlsPort = LocalRedis.freePort();
    int relayLow = 40_000 + (int) (Math.random() * 20_000);
    ShippedFiles.append(conf, "TurnRelayIT: loopback only (after the shipped lines: coturn keeps the last value)", List.of(
        "listening-ip=127.0.0.1", "relay-ip=127.0.0.1", "listening-port=" + port, "tls-listening-port=" + tlsPort,
        "min-port=" + relayLow, "max-port=" + (relayLow + 200), "allow-loopback-peers", "allowed-peer-ip=127.0.0.1",
        "cert=" + certs.secret.resolve("tls.crt"), "pkey=" + certs.secret.resolve("tls.key"),
        "pidfile=" + dir.resolve("turnserver.pid"), "userdb=" + dir.resolve("turndb"), "verbose"));
    log = dir.resolve("turnserver.log");
    turn = new ProcessBuilder(TURNSERVER.toString(), "-c", conf.toString()).directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    waitForPort(turn, tlsPort, log);
    waitForPort(turn, port, log);
    reload = ShippedFiles.start(ShippedFiles.component("coturn", "cert-reload.sh"), Map.of("TLS_DIR", certs.secret.toString(),
        "PIDFILE", dir.resolve("turnserver.pid").toString(), "INTERVAL_SECONDS", Integer.toString(RELOAD_INTERVAL_SECONDS),
        "HEARTBEAT", dir.resolve("cert-reload.alive").toString()), dir, dir.resolve("cert-reload.log"));
  }

  /** Runs the shipped coturn-init.sh with the shipped turnserver.conf and these settings. */
  ShippedFiles.Run init(Map<String, String> env) throws Exception {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.put("TEMPLATE", ShippedFiles.component("coturn", "turnserver.conf").toString());
    return ShippedFiles.run(ShippedFiles.component("coturn", "coturn-init.sh"), all, dir);
  }

  long pid() {
    return turn.pid();
  }

  boolean alive() {
    return turn.isAlive();
  }

  String log() throws Exception {
    return Files.readString(log);
  }

  String reloadLog() throws Exception {
    return Files.readString(dir.resolve("cert-reload.log"));
  }

  private static void waitForPort(Process p, int port, Path log) throws Exception {
    long end = System.currentTimeMillis() + START_WAIT_MS;
    while (true) {
      if (!p.isAlive()) throw new AssertionError("turnserver ended: " + Files.readString(log));
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        if (System.currentTimeMillis() > end) throw new AssertionError("turnserver does not listen on " + port + ": " + Files.readString(log));
        Thread.sleep(100);
      }
    }
  }

  @Override
  public void close() {
    ShippedFiles.stop(reload);
    ShippedFiles.stop(turn);
    ShippedFiles.stop(stun);
  }
}
