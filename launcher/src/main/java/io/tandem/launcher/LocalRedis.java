package io.tandem.launcher;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * A real Redis server for local runs and tests: the {@code redis-server} on PATH when there is one,
 * else the binary shipped by embedded-redis. Bound to 127.0.0.1, no persistence.
 */
public final class LocalRedis implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalRedis.class);
  /** How long to wait for the server to accept connections, ms. */
  public static final long START_TIMEOUT_MS = 10_000;

  private final int port;
  private final Process process;
  private final RedisServer embedded;
  private final String kind;

  private LocalRedis(int port, Process process, RedisServer embedded, String kind) {
    this.port = port;
    this.process = process;
    this.embedded = embedded;
    this.kind = kind;
  }

  /** Starts a server on a free port. */
  public static LocalRedis start() throws IOException {
    return start(freePort());
  }

  /** Starts a server on {@code port}. */
  public static LocalRedis start(int port) throws IOException {
    Path binary = onPath("redis-server");
    LocalRedis redis;
    if (binary != null) {
      Process p = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
          "--save", "", "--appendonly", "no", "--protected-mode", "yes"))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      redis = new LocalRedis(port, p, null, binary.toString());
    } else {
      RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
          .setting("save \"\"").setting("appendonly no").build();
      server.start();
      redis = new LocalRedis(port, null, server, "embedded redis-server 6.2");
    }
    redis.awaitReady();
    LOG.info("local Redis ({}) on 127.0.0.1:{}", redis.kind, port);
    return redis;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** PID of the redis-server process, or -1 for the embedded one (tests freeze it with SIGSTOP). */
  public long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Which server binary runs. */
  public String kind() {
    return kind;
  }

  private void awaitReady() throws IOException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (process != null && !process.isAlive()) throw new IOException("redis-server exited with " + process.exitValue());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    close();
    throw new IOException("Redis did not start on port " + port + " within " + START_TIMEOUT_MS + " ms");
  }

  @Override
  public void close() {
    try {
      if (process != null) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
      }
      if (embedded != null) embedded.stop();
    } catch (IOException | InterruptedException e) {
      LOG.warn("could not stop local Redis: {}", e.toString());
    }
  }

  /** A port nothing listens on right now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) return p;
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) return p;
    }
    return null;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
