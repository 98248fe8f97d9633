package io.tandem.gateway.node;

import io.tandem.gateway.socket.SocketLoop;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Work over every socket of the node spread across event-loop ticks instead of one long task:
 * a round visits each socket once, at most {@link #MAX_PER_TICK} per tick of {@link #TICK_MS}, and
 * sized to finish within its spread when it can. A round at 19,000 sockets used to block the loop
 * for about half a second (issue 13); now no tick does more than {@link #MAX_PER_TICK} writes.
 * <p>
 * The iteration is weakly consistent (the registry's concurrent map): sockets opened during a round
 * may or may not be visited, closed ones are skipped by the action itself. A round still running
 * when the next is due is left to finish (the next one is skipped, never stacked).
 * <p>
 * The sweep runs on the node's context; a slice is handed over whole ({@link #startSlices}) so that
 * the caller can pass each socket loop its part of it in one task ({@link SocketLoop#runEach}).
 *
 * @param <T> what is visited (a connection)
 */
public final class SocketSweep<T> {
  /** Time between two slices of a round, ms. */
  static final long TICK_MS = 50;
  /** Most sockets visited in one slice. */
  static final int MAX_PER_TICK = 500;

  private final Vertx vertx;
  private final Supplier<Iterator<T>> items;
  private final IntSupplier size;
  private final long spreadMs;
  private Iterator<T> round;
  private Consumer<List<T>> action;
  private int perTick;
  private long timer = -1;

  /**
   * @param items a fresh, weakly consistent iterator over the sockets
   * @param size how many there are now
   * @param spreadMs how long a round may take (a fraction of its period)
   */
  SocketSweep(Vertx vertx, Supplier<Iterator<T>> items, IntSupplier size, long spreadMs) {
    this.vertx = vertx;
    this.items = items;
    this.size = size;
    this.spreadMs = Math.max(TICK_MS, spreadMs);
  }

  /** Slice size for {@code n} sockets: the round fits its spread, within 1 … {@link #MAX_PER_TICK}. */
  static int perTick(int n, long spreadMs) {
    long ticks = Math.max(1, Math.max(TICK_MS, spreadMs) / TICK_MS);
    return (int) Math.max(1, Math.min(MAX_PER_TICK, (n + ticks - 1) / ticks));
  }

  /** Starts a round applying {@code action} to each socket; false when the previous round is still going. */
  boolean start(Consumer<T> action) {
    return startSlices(slice -> slice.forEach(action));
  }

  /** Starts a round handing each slice (at most {@link #MAX_PER_TICK} sockets) to {@code action}; false when one is still going. */
  boolean startSlices(Consumer<List<T>> action) {
    if (round != null) return false;
    this.round = items.get();
    this.action = action;
    this.perTick = perTick(size.getAsInt(), spreadMs);
    slice();
    return true;
  }

  /** Whether a round is in progress. */
  boolean running() {
    return round != null;
  }

  private void slice() {
    Iterator<T> it = round;
    if (it == null) return;
    // sized again at each slice: sockets opened during a round are visited too, and a round that began with few
    // sockets must not stretch past its spread (at 5,000 → 19,000 sockets a round sized at its start took ~4×
    // longer, the next ones were skipped, and a socket could go past the read-idle timeout without a ping)
    perTick = Math.max(perTick, perTick(size.getAsInt(), spreadMs));
    List<T> slice = new ArrayList<>(perTick);
    for (int i = 0; i < perTick && it.hasNext(); i++) slice.add(it.next());
    action.accept(slice);
    if (it.hasNext()) {
      timer = vertx.setTimer(TICK_MS, t -> slice());
    } else {
      round = null;
      action = null;
      timer = -1;
    }
  }

  /** Stops the round in progress, if any. */
  void stop() {
    if (timer >= 0) vertx.cancelTimer(timer);
    timer = -1;
    round = null;
    action = null;
  }
}
