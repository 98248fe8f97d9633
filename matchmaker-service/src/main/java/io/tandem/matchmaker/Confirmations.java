package io.tandem.matchmaker;

import io.tandem.common.store.CallStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivered matches, confirmed in batches: one store round trip for every match a verticle delivered
 * within {@link #FLUSH_MS} (a pending match is only undone {@code MATCH_CONFIRM_MS}, at least 200 ms,
 * after pairing, far later). Used on one verticle's context only. A matchmaker that dies with matches
 * still unconfirmed leaves them to the sweep, as it would between a delivery and a single confirmation.
 */
final class Confirmations {
  private static final Logger LOG = LoggerFactory.getLogger(Confirmations.class);
  /** Longest a delivered match waits for its confirmation to be sent. */
  static final long FLUSH_MS = 10;

  private final Vertx vertx;
  private final CallStore store;
  private List<String> queued = new ArrayList<>();
  private long timer = -1;

  Confirmations(Vertx vertx, CallStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** Confirms {@code sessionId} with the next batch (at once when the batch is full). */
  void add(String sessionId) {
    queued.add(sessionId);
    if (queued.size() >= CallStore.CONFIRM_BATCH_MAX) {
      flush();
    } else if (timer < 0) {
      timer = vertx.setTimer(FLUSH_MS, id -> {
        timer = -1;
        flush();
      });
    }
  }

  /** Sends what is queued now; completes when the store answered (or at once when nothing is queued). */
  Future<Void> flush() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (queued.isEmpty()) return Future.succeededFuture();
    List<String> batch = queued;
    queued = new ArrayList<>();
    return store.confirmAll(batch).onFailure(err ->
        LOG.warn("confirm failed for {} matches (the pending sweep undoes them): {}", batch.size(), err.toString()));
  }
}
