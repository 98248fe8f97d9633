package io.tandem.gateway;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * A future shared by callers on several event loops (one Redis read for all of them) completes on
 * the context of whoever started it, and so would every callback chained to it. Each caller gets
 * its own view here, completed on the caller's context: a socket's follow-up steps then stay on
 * the socket's loop (Redis and event-bus futures already complete on the caller's context).
 */
public final class OnCaller {
  private OnCaller() {}

  /** {@code shared}'s outcome, with callbacks on the calling context (unchanged when there is none). */
  public static <T> Future<T> view(Future<T> shared) {
    Context caller = Vertx.currentContext();
    if (caller == null) return shared;
    Promise<T> mine = ((ContextInternal) caller).promise();
    shared.onComplete(mine);
    return mine.future();
  }
}
