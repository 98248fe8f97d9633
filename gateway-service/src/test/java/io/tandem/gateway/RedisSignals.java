package io.tandem.it;

import io.tandem.launcher.Launcher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Freezes and wakes the launcher's local redis-server process (SIGSTOP / SIGCONT) for fault tests. */
final class RedisSignals {
  private RedisSignals() {}

  /**
   * The PID of the launcher's redis-server process. Fault tests need a real process to freeze: under
   * CI a missing {@code redis-server} fails the test; on a laptop it skips with a message.
   */
  static long requirePid(Launcher launcher) {
    long pid = launcher.localRedis() == null ? -1 : launcher.localRedis().pid();
    if (pid < 0) {
      String why = "needs redis-server on PATH (apt-get install redis-server) to freeze it; the embedded Redis cannot be signalled";
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
      Assumptions.abort(why);
    }
    return pid;
  }

  /** Sends {@code kill -SIG pid} and waits for it. */
  static void signal(long pid, String sig) throws Exception {
    Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
    if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("kill -" + sig + " " + pid + " failed");
  }
}
