package io.tandem.bench.run;

import java.util.concurrent.locks.LockSupport;

/**
 * Fires the events of a {@link Schedule} from one dedicated thread, each as soon as its intended
 * time has come (late events are fired at once, in order, never skipped). Bounded by the schedule's
 * count and by a deadline.
 */
public final class Pacer {
  /** What to do for event {@code i} intended at {@code intendedNanos}. */
  public interface Fire {
    void fire(long i, long intendedNanos);
  }

  private final Schedule schedule;
  private final long deadlineNanos;
  private final Fire fire;
  private final Runnable afterBatch;
  private volatile long maxLagNanos;
  private volatile boolean stop;
  /** Intended time of the next event not yet fired (for the stall watcher). */
  private volatile long nextIntended = Long.MAX_VALUE;
  /** Stack traces of the pacer thread taken while it was far behind schedule (diagnostics). */
  private final java.util.List<String> stalls = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Behind schedule by this much, the watcher takes a stack trace of the pacer thread. */
  static final long STALL_NANOS = 50_000_000L;

  public Pacer(Schedule schedule, long deadlineNanos, Fire fire) {
    this(schedule, deadlineNanos, fire, null);
  }

  /** With {@code afterBatch} run after each group of events that came due together (to flush batched writes). */
  public Pacer(Schedule schedule, long deadlineNanos, Fire fire, Runnable afterBatch) {
    this.schedule = schedule;
    this.deadlineNanos = deadlineNanos;
    this.fire = fire;
    this.afterBatch = afterBatch;
  }

  /** Runs on the calling thread until every event fired, the deadline passed or {@link #stop()}. */
  public long run() {
    Thread self = Thread.currentThread();
    Thread watcher = new Thread(() -> watch(self), "bench-pacer-watch");
    watcher.setDaemon(true);
    watcher.start();
    try {
      return loop();
    } finally {
      nextIntended = Long.MAX_VALUE;
      watcher.interrupt();
    }
  }

  /** Samples the pacer thread's stack when it is far behind: what held it up? */
  private void watch(Thread pacer) {
    long reported = Long.MIN_VALUE;
    while (!Thread.currentThread().isInterrupted() && stalls.size() < 3) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
      long next = nextIntended;
      long behind = System.nanoTime() - next;
      if (next != Long.MAX_VALUE && behind > STALL_NANOS && next != reported) {
        reported = next;
        StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "%.0f ms behind, state %s:", behind / 1e6, pacer.getState()));
        for (StackTraceElement e : pacer.getStackTrace()) b.append("\n  at ").append(e);
        stalls.add(b.toString());
      }
    }
  }

  /** Stack traces taken while the pacer was more than 50 ms behind (at most 3). */
  public java.util.List<String> stalls() {
    return stalls;
  }

  private long loop() {
    long i = 0;
    while (i < schedule.count() && !stop) {
      long now = System.nanoTime();
      if (now > deadlineNanos) break;
      long due = schedule.dueBy(now);
      if (i < due) nextIntended = schedule.intendedNanos(i);
      while (i < due && !stop) {
        long intended = schedule.intendedNanos(i);
        long lag = System.nanoTime() - intended;
        if (lag > maxLagNanos) maxLagNanos = lag;
        fire.fire(i, intended);
        i++;
      }
      if (afterBatch != null) afterBatch.run();
      if (i >= schedule.count()) break;
      nextIntended = schedule.intendedNanos(i);
      long wait = schedule.intendedNanos(i) - System.nanoTime();
      if (wait > 0) LockSupport.parkNanos(Math.min(wait, 2_000_000));
    }
    return i;
  }

  /** Starts {@link #run()} on a new thread. */
  public Thread start(String name) {
    Thread t = new Thread(this::run, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  public void stop() {
    stop = true;
  }

  /** Largest delay between an event's intended time and when it was actually fired. */
  public long maxLagNanos() {
    return maxLagNanos;
  }
}
