package io.tandem.gateway.steps;

import io.tandem.gateway.call.CallAction;
import io.tandem.gateway.node.Presence;
import io.tandem.gateway.protocol.MatchedFrame;
import io.tandem.gateway.protocol.ServerFrames;

import io.tandem.common.Addresses;
import io.tandem.common.Failures;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** join-queue and leave-queue, and matches (from a join's reply or delivered by the matchmaker). */
public final class QueueFrames {
  private static final Logger LOG = LoggerFactory.getLogger(QueueFrames.class);

  private final EventBus bus;
  private final DeliveryOptions requests;
  private final String nodeId;
  private final Presence presence;
  private final MatchedFrame matched;

  public QueueFrames(EventBus bus, DeliveryOptions requests, String nodeId, Presence presence, MatchedFrame matched) {
    this.bus = bus;
    this.requests = requests;
    this.nodeId = nodeId;
    this.presence = presence;
    this.matched = matched;
  }

  /**
   * join-queue. A call kept from the user's lost socket that this socket did not resume is ended
   * first (its peer hears {@code left}): the person chose to search again.
   */
  Future<Void> join(ClientLink c, List<String> wanted) {
    String kept = c.call().takeResumable();
    if (kept == null) return join(c, wanted, true);
    LOG.debug("ending a call kept for resume before a join user={} session={}", c.identity().userId(), kept);
    return presence.endCall(c.identity().userId(), c.connId(), kept)
        .transform(ar -> join(c, wanted, true));
  }

  /**
   * join-queue. When the answer does not come (or the store says in-session although this socket
   * knows no call), the join is abandoned in the store: the user leaves the queue and a session this
   * socket never heard of is undone (its peer told), so Redis and the socket agree; then the client
   * hears the error and may try again. An in-session answer caused by such a ghost is retried once.
   */
  private Future<Void> join(ClientLink c, List<String> wanted, boolean retryGhost) {
    List<CallAction> start = c.call().join(wanted);
    if (!start.contains(CallAction.REQUEST_JOIN)) return fail(start, null);
    JoinRequest req = new JoinRequest(new UserRef(c.identity().userId(), c.connId(), nodeId), c.call().interests());
    return bus.<JsonObject>request(Addresses.MATCHMAKER_JOIN, req.toJson(), requests)
        .map(msg -> JoinReply.fromJson(msg.body()))
        .compose(reply -> reply.matched() ? matchedAtOnce(c, reply.match(), retryGhost) : queued(c),
            err -> failed(c, err, retryGhost));
  }

  private Future<Void> queued(ClientLink c) {
    if (!c.call().joinQueued().contains(CallAction.SEND_QUEUED_STATS)) return Future.succeededFuture();
    return presence.stats().recover(err -> Future.succeededFuture(new JsonObject())).map(stats -> {
      // the counts may be up to Presence.STATS_MAX_AGE_MS old: they at least count the user who just queued
      if (stats.containsKey("online")) {
        stats.put("online", Math.max(1L, stats.getLong("online"))).put("waiting", Math.max(1L, stats.getLong("waiting")));
      }
      // the ICE servers the match will bring: the waiting user (the next match's caller) makes its offer with them now
      stats.put("iceServers", matched.iceServers(c.identity().userId(), System.currentTimeMillis()));
      if (c.call().searching()) c.send(ServerFrames.of(MessageType.QUEUED, stats));
      return null;
    });
  }

  private Future<Void> matchedAtOnce(ClientLink c, MatchInfo m, boolean retryGhost) {
    List<CallAction> actions = c.call().joinMatched(m, System.currentTimeMillis());
    perform(c, actions);
    // the stranger vanished between being paired and this socket's match: search again
    return actions.contains(CallAction.REJOIN) ? join(c, c.call().interests(), retryGhost) : Future.succeededFuture();
  }

  private Future<Void> failed(ClientLink c, Throwable err, boolean retryGhost) {
    if (!c.call().joinFailed().contains(CallAction.ABANDON)) return Future.failedFuture(err);
    TandemException te = Failures.map(err);
    String user = c.identity().userId();
    return presence.abandon(user, c.connId()).transform(ab -> {
      String undone = ab.succeeded() ? ab.result() : null;
      if (c.call().abandoned(undone, te.code(), retryGhost).contains(CallAction.REJOIN)) {
        LOG.debug("undid a session this socket never heard of user={} session={}; joining again", user, undone);
        return join(c, c.call().interests(), false);
      }
      return Future.failedFuture(te);
    });
  }

  /** A match undone before it reached this searching socket: search again if still searching when the step runs. */
  public Future<Void> rejoin(ClientLink c) {
    if (!c.call().searching()) return Future.succeededFuture();
    return join(c, c.call().interests()).recover(e -> {
      c.send(ServerFrames.error(e, MessageType.JOIN_QUEUE));
      return Future.succeededFuture();
    });
  }

  Future<Void> leave(ClientLink c) {
    if (!c.call().leave().contains(CallAction.REQUEST_LEAVE)) return Future.succeededFuture();
    return bus.request(Addresses.MATCHMAKER_LEAVE, new UserRef(c.identity().userId(), c.connId(), nodeId).toJson(), requests)
        .mapEmpty();
  }

  /** A match delivered by the matchmaker; true when the socket took it (or already had it). */
  public boolean deliverMatch(ClientLink c, MatchInfo m) {
    List<CallAction> actions = c.call().matchDelivered(m, System.currentTimeMillis());
    perform(c, actions);
    return actions.contains(CallAction.ACCEPT_MATCH);
  }

  /** Writes what the state machine asked to write. */
  private void perform(ClientLink c, List<CallAction> actions) {
    for (CallAction a : actions) {
      switch (a.kind()) {
        case SEND_QUEUED -> c.send(ServerFrames.of(MessageType.QUEUED, new JsonObject()));
        case SEND_MATCHED -> {
          c.send(matched.encode(c.identity().userId(), a.match(), System.currentTimeMillis()));
          LOG.debug("matched user={} session={} role={}", c.identity().userId(), a.match().sessionId(), a.match().role());
        }
        case SEND -> c.send(a.frame());
        default -> { } // replies, rejoins and failures are the caller's
      }
    }
  }

  private static Future<Void> fail(List<CallAction> actions, Throwable own) {
    for (CallAction a : actions) {
      if (a.kind() == CallAction.Kind.FAIL) return Future.failedFuture(a.error() != null ? new TandemException(a.error()) : own);
    }
    return Future.succeededFuture();
  }
}
