package io.tandem.bench.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every process the bench started (services, Redis, capacity workers), so they are all stopped at
 * the end and, should the bench die, by a shutdown hook. Only processes started here are ever
 * signalled, each by its own handle (PID).
 */
public final class Children {
  private static final List<Process> STARTED = new ArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Children::killAll, "bench-children-cleanup"));
  }

  private Children() {}

  public static synchronized void register(Process p) {
    STARTED.add(p);
  }

  private static synchronized List<Process> all() {
    return new ArrayList<>(STARTED);
  }

  private static synchronized void forget(Process p) {
    STARTED.remove(p);
  }

  /** SIGTERM, then SIGKILL after {@code grace}. */
  public static void stop(Process p, Duration grace) {
    if (p.isAlive()) {
      p.destroy();
      try {
        if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    forget(p);
  }

  /** The shutdown hook: SIGKILL whatever we started that still runs. */
  static void killAll() {
    for (Process p : all()) {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }
}
