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
 * after pairing, far later). A batch the store did not take (Redis stalled) is tried again every
 * {@link #RETRY_MS}, up to {@link #ATTEMPTS} times: confirming is idempotent, and a match both sides
 * hold must not be undone because Redis froze just after it was made. One batch is in flight at a
 * time. Used on one verticle's context only. A matchmaker that dies with matches still unconfirmed
 * leaves them to the sweep, as it would between a delivery and a single confirmation.
 */
final class Confirmations {
  private static final Logger LOG = LoggerFactory.getLogger(Confirmations.class);
  /** Longest a delivered match waits for its confirmation to be sent. */
  static final long FLUSH_MS = 10;
  /** Pause before a batch the store did not take is sent again. */
  static final long RETRY_MS = 250;
  /** Most attempts per match (with the store's own timeout per attempt: well past a 20 s Redis stall). */
  static final int ATTEMPTS = 60;

  /** A match to confirm and how many attempts it already had. */
  private record Entry(String sessionId, int attempts) {}

  private final Vertx vertx;
  private final CallStore store;
  private List<Entry> queued = new ArrayList<>();
  private long timer = -1;
  private boolean inFlight;
  private boolean stopping;

  Confirmations(Vertx vertx, CallStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** Confirms {@code sessionId} with the next batch (at once when the batch is full and none is in flight). */
  void add(String sessionId) {
    queued.add(new Entry(sessionId, 0));
    if (queued.size() >= CallStore.CONFIRM_BATCH_MAX && !inFlight) send();
    else schedule(FLUSH_MS);
  }

  /** The verticle stops: sends what is queued once (no retries); completes when the store answered. */
  Future<Void> flush() {
    stopping = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    return send();
  }

  private void schedule(long ms) {
    if (timer >= 0 || inFlight || stopping) return;
    timer = vertx.setTimer(ms, id -> {
      timer = -1;
      send();
    });
  }

  private Future<Void> send() {
    if (queued.isEmpty()) return Future.succeededFuture();
    int n = Math.min(queued.size(), CallStore.CONFIRM_BATCH_MAX);
    List<Entry> batch = new ArrayList<>(queued.subList(0, n));
    queued = new ArrayList<>(queued.subList(n, queued.size()));
    inFlight = true;
    return store.confirmAll(batch.stream().map(Entry::sessionId).toList())
        .onComplete(ar -> {
          inFlight = false;
          if (ar.failed()) retry(batch, ar.cause());
          if (!queued.isEmpty()) schedule(ar.failed() ? RETRY_MS : FLUSH_MS);
        });
  }

  private void retry(List<Entry> batch, Throwable err) {
    List<Entry> again = new ArrayList<>();
    for (Entry e : batch) if (!stopping && e.attempts() + 1 < ATTEMPTS) again.add(new Entry(e.sessionId(), e.attempts() + 1));
    if (again.size() < batch.size()) {
      LOG.warn("gave up confirming {} matches (the pending sweep undoes them): {}", batch.size() - again.size(), err.toString());
    } else {
      LOG.debug("confirming {} matches failed, trying again: {}", batch.size(), err.toString());
    }
    again.addAll(queued);
    queued = again;
  }
}
