package io.tandem.gateway.socket;

import io.tandem.gateway.call.CallState;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The event loop of one socket server ({@link SocketServer}): the sockets it accepted,
 * their {@link Connection} and {@link CallState} (not thread-safe), belong to it. Work that reaches a
 * socket from elsewhere (a bus delivery, a timer of the node, the drain) runs here: at once when the
 * caller is already on this loop (the single-loop path pays nothing), else queued to it.
 */
public final class SocketLoop {
  private final ContextInternal context;
  private final int index;

  /** @param context the socket server's own (event-loop) context */
  public SocketLoop(Context context, int index) {
    if (!context.isEventLoopContext()) throw new IllegalArgumentException("a socket loop needs an event-loop context");
    this.context = ((ContextInternal) context).unwrap();
    this.index = index;
  }

  /** Which instance this is (0 … GATEWAY_EVENT_LOOPS - 1), for logs. */
  public int index() {
    return index;
  }

  /** The instance's context. */
  Context context() {
    return context;
  }

  /** Whether the calling thread is this loop's thread (a duplicate of its context counts: same thread). */
  boolean here() {
    return context.inThread();
  }

  /** Runs {@code task} on this loop: now when already here, else as a task queued to it. */
  void run(Runnable task) {
    if (here()) task.run();
    else context.runOnContext(v -> task.run());
  }

  /**
   * Applies {@code action} to each item on its item's loop, with one queued task per loop (not per
   * item): a slice of a sweep costs at most one task on each loop.
   */
  static <T> void runEach(List<T> items, Function<T, SocketLoop> loopOf, Consumer<T> action) {
    if (items.isEmpty()) return;
    Map<SocketLoop, List<T>> byLoop = new IdentityHashMap<>();
    for (T item : items) byLoop.computeIfAbsent(loopOf.apply(item), l -> new ArrayList<>()).add(item);
    byLoop.forEach((loop, mine) -> loop.run(() -> mine.forEach(action)));
  }

  @Override
  public String toString() {
    return "loop=" + index;
  }
}
