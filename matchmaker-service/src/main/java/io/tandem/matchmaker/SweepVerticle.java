package io.tandem.matchmaker;

import io.tandem.common.Failures;
import io.tandem.common.Limits;
import io.tandem.common.PeerNotifier;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.EndedCall;
import io.tandem.common.store.Undone;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic backup of event-driven matching: cleans up after dead gateway nodes (their users
 * leave the queue; their calls wait in the resume grace window and the peers hear
 * {@code peer-reconnecting}), ends calls whose grace passed without a resume (peers told, reason
 * {@code timeout}), and pairs waiting users a race may have left unpaired. Safe to run on every replica: each step is one atomic script.
 */
public final class SweepVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SweepVerticle.class);
  /** Most dead-node batches cleaned in one tick (the rest waits for the next tick). */
  public static final int REAP_BATCHES_PER_TICK = 20;

  private final CallStore store;
  private final MatchmakerConfig config;
  private PeerNotifier notifier;
  private Confirmations confirmations;
  private long timer = -1;
  private boolean running;
  private Future<Void> inFlightSweep = Future.succeededFuture();

  public SweepVerticle(CallStore store, MatchmakerConfig config) {
    this.store = store;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    notifier = new PeerNotifier(vertx.eventBus());
    confirmations = new Confirmations(vertx, store);
    timer = vertx.setPeriodic(config.sweepIntervalMs(), t -> tick());
    return Future.succeededFuture();
  }

  /** One sweep; ticks never overlap (a stop waits for the one running). */
  Future<Void> tick() {
    if (running) return Future.succeededFuture();
    running = true;
    inFlightSweep = reap(REAP_BATCHES_PER_TICK)
        .compose(v -> expireGrace())
        .compose(v -> expire())
        .compose(v -> pair())
        .onFailure(err -> LOG.warn("sweep failed: {}", Failures.map(err).getMessage()))
        .andThen(ar -> running = false)
        .transform(ar -> Future.succeededFuture());
    return inFlightSweep;
  }

  private Future<Void> reap(int batchesLeft) {
    if (batchesLeft == 0) return Future.succeededFuture();
    return store.reapDeadNode(config.nodeTtlMs(), Limits.REAP_BATCH, config.resumeGraceMs()).compose(r -> {
      if (r == null) return Future.succeededFuture();
      LOG.info("reaped dead gateway node={} endedCalls={} callsInGrace={}", r.node(), r.endedCalls().size(), r.gracedCalls().size());
      MatchMetrics.removed(r.removedUsers());
      r.endedCalls().forEach(e -> notifier.callOver(e.peer(), e.sessionId(), PeerNotifier.Reason.DISCONNECTED));
      r.gracedCalls().forEach(g -> notifier.peerReconnecting(g.peer(), g.sessionId(), g.graceMs(), g.epoch()));
      return reap(batchesLeft - 1);
    });
  }

  /** Ends calls whose user did not resume within the grace window; the peers hear reason {@code timeout}. */
  private Future<Void> expireGrace() {
    return store.expireGrace(config.nodeTtlMs(), Limits.GRACE_BATCH).map(expired -> {
      for (EndedCall e : expired) {
        LOG.debug("grace window passed without a resume session={}", e.sessionId());
        notifier.callOver(e.peer(), e.sessionId(), PeerNotifier.Reason.TIMEOUT);
      }
      return null;
    });
  }

  /** Undoes matches their matchmaker never confirmed; both users are told (a side still searching searches on). */
  private Future<Void> expire() {
    return store.expirePending(config.confirmMs(), MatchmakerConfig.EXPIRE_BATCH).map(undone -> {
      for (Undone u : undone) {
        LOG.debug("undid unconfirmed match session={}", u.sessionId());
        MatchMetrics.aborted();
        u.users().forEach(user -> notifier.callOver(user, u.sessionId(), PeerNotifier.Reason.MATCH_FAILED));
      }
      return null;
    });
  }

  private Future<Void> pair() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < Limits.SWEEP_PAIRS_MAX; i++) ids.add(store.newSessionId());
    return store.sweepPairs(config.rules(), ids).compose(sweep -> {
      MatchMetrics.removed(sweep.removed());
      MatchMetrics.queueLength(sweep.queueLength());
      sweep.pairs().forEach(p -> {
        LOG.debug("sweep paired session={} caller={} callee={}", p.sessionId(), p.caller().userId(), p.callee().userId());
        MatchMetrics.paired(p, true);
        Future.all(notifier.match(p.caller(), p.forCaller(), config.deliveryTimeoutMs()),
                notifier.match(p.callee(), p.forCallee(), config.deliveryTimeoutMs()))
            .onSuccess(v -> confirmations.add(p.sessionId()))
            .onFailure(err -> {
              // One side is gone: undo the match and tell whoever got it (it searches again).
              MatchMetrics.aborted();
              store.abort(p.sessionId()).onSuccess(undone ->
                  undone.users().forEach(u -> notifier.callOver(u, p.sessionId(), PeerNotifier.Reason.MATCH_FAILED)));
            });
      });
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    Future<?> sweep = running ? inFlightSweep : Future.succeededFuture();
    return sweep.transform(ar -> confirmations.flush().otherwiseEmpty());
  }
}
