package io.tandem.bench.run;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The faults the reliability suite injects, each aimed at one child the bench started, by its own
 * PID: SIGKILL ({@code kill -9}), SIGTERM, SIGSTOP and SIGCONT. Never by name.
 */
public final class Signals {
  /** How long a killed process may take to be reaped by the OS. */
  static final long EXIT_WAIT_SECONDS = 20;

  private Signals() {}

  /** {@code kill -9}: the process gets no chance to clean up. Returns once it is gone. */
  public static void kill9(Topology.Child c) throws InterruptedException {
    c.process().destroyForcibly();
    if (!c.process().waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(c.role() + " (pid " + c.pid() + ") survived SIGKILL for " + EXIT_WAIT_SECONDS + " s");
    }
  }

  /** SIGTERM: the process runs its shutdown hooks (a graceful stop, as in a rolling deploy). Does not wait. */
  public static void term(Topology.Child c) {
    c.process().destroy();
  }

  /** Waits until the process exited; false when it still runs after {@code seconds}. */
  public static boolean awaitExit(Topology.Child c, long seconds) throws InterruptedException {
    return c.process().waitFor(seconds, TimeUnit.SECONDS);
  }

  /** SIGSTOP: the process freezes (its sockets stay open, nothing answers). */
  public static void stop(Topology.Child c) throws IOException, InterruptedException {
    signal(c, "-STOP");
  }

  /** SIGCONT: a frozen process resumes. */
  public static void cont(Topology.Child c) throws IOException, InterruptedException {
    signal(c, "-CONT");
  }

  private static void signal(Topology.Child c, String sig) throws IOException, InterruptedException {
    if (!c.process().isAlive()) throw new IllegalStateException(c.role() + " is not running");
    String out = Proc.run(List.of("kill", sig, Long.toString(c.pid())), 10);
    if (!out.isBlank()) throw new IOException("kill " + sig + " " + c.pid() + ": " + out.trim());
  }
}
