package io.tandem.gateway;

import java.util.concurrent.TimeUnit;

/** Freezes and wakes a redis-server process ({@link GatewayStack#redisPid}) (SIGSTOP / SIGCONT) for fault tests. */
final class RedisSignals {
  private RedisSignals() {}

  /** Sends {@code kill -SIG pid} and waits for it. */
  static void signal(long pid, String sig) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("kill -" + sig + " " + pid + " failed");
  }
}
