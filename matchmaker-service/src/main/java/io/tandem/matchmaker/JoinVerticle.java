package io.tandem.matchmaker;

import io.tandem.common.Addresses;
import io.tandem.common.Failures;
import io.tandem.common.InFlight;
import io.tandem.common.PeerNotifier;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.LeaveRequest;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.JoinOutcome;
import io.tandem.common.store.Pairing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event-driven matching: each {@code join-queue} runs one atomic pairing attempt at once. When a
 * partner is found, both sides are told at once: the partner through its gateway, the joiner in the
 * reply; the match is confirmed once the partner's gateway took it. A partner that cannot be told
 * (socket gone, refused, no answer) gets the match undone and both are told {@code match-failed}:
 * the joiner's client searches again, and so does the partner's gateway for a socket still searching.
 */
public final class JoinVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JoinVerticle.class);

  private final CallStore store;
  private final MatchmakerConfig config;
  private final String partition;
  private PeerNotifier notifier;
  private Confirmations confirmations;
  private MessageConsumer<JsonObject> joins;
  private MessageConsumer<JsonObject> leaves;
  private final InFlight inFlight = new InFlight();

  /** The joins of the default partition. */
  public JoinVerticle(CallStore store, MatchmakerConfig config) {
    this(store, config, "");
  }

  /** The joins of one matching partition ({@code store} is that partition's; see {@link io.tandem.common.MatchPartitions}). */
  public JoinVerticle(CallStore store, MatchmakerConfig config, String partition) {
    this.store = store;
    this.config = config;
    this.partition = partition;
  }

  @Override
  public Future<?> start() {
    notifier = new PeerNotifier(vertx.eventBus());
    confirmations = new Confirmations(vertx, store);
    joins = vertx.eventBus().consumer(Addresses.matchmakerJoin(partition), msg -> {
      JoinRequest req;
      try {
        req = JoinRequest.fromJson(msg.body());
      } catch (RuntimeException e) {
        Failures.reply(msg, e);
        return;
      }
      inFlight.track(join(req))
          .onSuccess(reply -> msg.reply(reply.toJson()))
          .onFailure(err -> Failures.reply(msg, err));
    });
    leaves = vertx.eventBus().consumer(Addresses.matchmakerLeave(partition), msg -> {
      try {
        LeaveRequest req = LeaveRequest.fromJson(msg.body());
        inFlight.track(store.leave(req.user(), req.fence()))
            .onSuccess(v -> msg.reply(new JsonObject()))
            .onFailure(err -> Failures.reply(msg, err));
      } catch (RuntimeException e) {
        Failures.reply(msg, e);
      }
    });
    return Future.all(joins.completion(), leaves.completion());
  }

  private Future<JoinReply> join(JoinRequest req) {
    return store.join(req.user(), req.wishes(), config.rules(), req.fence())
        .map(outcome -> outcome instanceof JoinOutcome.Paired paired ? deliver(paired.pairing()) : JoinReply.queued());
  }

  /** Tells the waiting partner (the caller) through its gateway; the joiner's match is the reply. */
  private JoinReply deliver(Pairing p) {
    // Both sides at once: the waiting user through its gateway, the joiner in this reply.
    notifier.match(p.caller(), p.forCaller(), config.deliveryTimeoutMs())
        .onSuccess(v -> {
          LOG.debug("paired session={} caller={} callee={}", p.sessionId(), p.caller().userId(), p.callee().userId());
          MatchMetrics.paired(p, false);
          // The caller has it and the callee gets it in the reply: confirmed. If the reply is lost,
          // the callee's gateway gives up on the join and undoes the session itself (abandon).
          confirmations.add(p.sessionId());
        })
        .onFailure(err -> {
          LOG.debug("partner gone at delivery session={} user={}: {}", p.sessionId(), p.caller().userId(), Failures.map(err).code().code);
          MatchMetrics.aborted();
          // Both may hold the match (the joiner from the reply, the waiting user if only its answer
          // was lost): both are told, and search again (the joiner's client, the waiting user's gateway).
          store.abort(p.sessionId())
              .onSuccess(undone -> undone.users().forEach(u -> notifier.callOver(u, p.sessionId(), PeerNotifier.Reason.MATCH_FAILED)))
              .onFailure(e -> LOG.warn("abort failed session={}: {} (the pending sweep undoes it)", p.sessionId(), e.toString()));
        });
    return JoinReply.matched(p.forCallee());
  }

  @Override
  public Future<?> stop() {
    return Future.all(joins.unregister(), leaves.unregister()).transform(ar -> inFlight.drained(vertx))
        .transform(ar -> confirmations.flush().otherwiseEmpty());
  }
}
