package io.tandem.bench;

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
  private volatile long fired;
  private volatile long maxLagNanos;
  private volatile boolean stop;

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
    long i = 0;
    while (i < schedule.count() && !stop) {
      long now = System.nanoTime();
      if (now > deadlineNanos) break;
      long due = schedule.dueBy(now);
      while (i < due && !stop) {
        long intended = schedule.intendedNanos(i);
        long lag = System.nanoTime() - intended;
        if (lag > maxLagNanos) maxLagNanos = lag;
        fire.fire(i, intended);
        i++;
        fired = i;
      }
      if (afterBatch != null) afterBatch.run();
      if (i >= schedule.count()) break;
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

  public long fired() {
    return fired;
  }

  /** Largest delay between an event's intended time and when it was actually fired. */
  public long maxLagNanos() {
    return maxLagNanos;
  }
}
