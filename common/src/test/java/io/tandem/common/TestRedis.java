package io.tandem.common;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server for tests (the store, ServiceStack), on a free loopback port, started from PATH. Under CI
 * ({@code CI=true}) a missing redis-server fails the test; on a laptop it skips with a message.
 */
public final class TestRedis implements AutoCloseable {
  private final Process process;
  private final int port;

  private TestRedis(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static TestRedis start() throws Exception {
    String bin = null;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(dir, "redis-server");
      if (f.canExecute()) {
        bin = f.getPath();
        break;
      }
    }
    if (bin == null) {
      String why = "this test needs redis-server on PATH (apt-get install redis-server)";
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
      Assumptions.abort(why);
    }
    int port = io.tandem.it.Ports.free();
    Process p = new ProcessBuilder(List.of(bin, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new TestRedis(p, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new AssertionError("redis-server did not start on port " + port);
  }

  /** The redis-server process id (fault tests freeze it with SIGSTOP). */
  public long pid() {
    return process.pid();
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
  }
}
