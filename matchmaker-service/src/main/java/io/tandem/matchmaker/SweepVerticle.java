package io.tandem.matchmaker;

import io.tandem.common.Failures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic backup of event-driven matching: cleans up after dead gateway nodes (their users
 * leave the queue, their calls end and the surviving peers are told) and pairs waiting users a
 * race may have left unpaired. Safe to run on every replica: each step is one atomic script.
 */
public final class SweepVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SweepVerticle.class);
  /** Most dead-node batches cleaned in one tick (the rest waits for the next tick). */
  public static final int REAP_BATCHES_PER_TICK = 20;

  private final MatchStore store;
  private final MatchmakerConfig config;
  private Notifier notifier;
  private long timer = -1;
  private boolean running;
  private Future<Void> inFlightSweep = Future.succeededFuture();

  public SweepVerticle(MatchStore store, MatchmakerConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    notifier = new Notifier(vertx.eventBus(), config.deliveryTimeoutMs());
    timer = vertx.setPeriodic(config.sweepIntervalMs(), t -> tick());
    return Future.succeededFuture();
  }

  /** One sweep; ticks never overlap (a stop waits for the one running). */
  Future<Void> tick() {
    if (running) return Future.succeededFuture();
    running = true;
    inFlightSweep = reap(REAP_BATCHES_PER_TICK)
        .compose(v -> expire())
        .compose(v -> pair())
        .onFailure(err -> LOG.warn("sweep failed: {}", Failures.map(err).getMessage()))
        .andThen(ar -> running = false)
        .transform(ar -> Future.succeededFuture());
    return inFlightSweep;
  }

  private Future<Void> reap(int batchesLeft) {
    if (batchesLeft == 0) return Future.succeededFuture();
    return store.reapDeadNode().compose(r -> {
      if (r == null) return Future.succeededFuture();
      LOG.info("reaped dead gateway node={} endedCalls={}", r.node(), r.endedCalls().size());
      r.endedCalls().forEach(e -> notifier.peerGone(e.survivor(), e.sessionId()));
      return reap(batchesLeft - 1);
    });
  }

  /** Undoes matches their matchmaker never confirmed; both users are told (a side still searching searches on). */
  private Future<Void> expire() {
    return store.expirePending().map(undone -> {
      for (MatchStore.Undone u : undone) {
        LOG.info("undid unconfirmed match session={}", u.sessionId());
        MatchMetrics.aborted();
        u.users().forEach(user -> notifier.peerGone(user, u.sessionId(), Notifier.REASON_MATCH_FAILED));
      }
      return null;
    });
  }

  private Future<Void> pair() {
    return store.sweepPairs().compose(pairs -> {
      pairs.forEach(p -> {
        LOG.info("sweep paired session={} caller={} callee={}", p.sessionId(), p.caller().userId(), p.callee().userId());
        MatchMetrics.paired(p, true);
        Future.all(notifier.match(p.caller(), p.forCaller()), notifier.match(p.callee(), p.forCallee()))
            .onSuccess(v -> store.confirm(p.sessionId()).onFailure(err -> LOG.warn("confirm failed session={}: {}", p.sessionId(), err.toString())))
            .onFailure(err -> {
              // One side is gone: undo the match and tell whoever got it (it searches again).
              MatchMetrics.aborted();
              store.abort(p.sessionId()).onSuccess(users ->
                  users.forEach(u -> notifier.peerGone(u, p.sessionId(), Notifier.REASON_MATCH_FAILED)));
            });
      });
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return running ? inFlightSweep : Future.succeededFuture();
  }
}
