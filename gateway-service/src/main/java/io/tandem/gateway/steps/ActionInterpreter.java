package io.tandem.gateway.steps;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.MessageType;
import io.tandem.common.PeerNotifier;
import io.tandem.common.TandemException;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.tandem.common.store.EndResult;
import io.tandem.common.store.Resumed;
import io.tandem.gateway.GatewayMetrics;
import io.tandem.gateway.call.CallAction;
import io.tandem.gateway.call.CallState;
import io.tandem.gateway.presence.Presence;
import io.tandem.gateway.protocol.MatchedFrame;
import io.tandem.gateway.protocol.ServerFrames;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place a {@link CallState} decision is carried out. {@link #run} performs a socket's actions
 * in order: writes happen at once, requests (matchmaker, store) complete on the socket's loop and
 * their answers go back to the state, whose new actions run in turn. The returned future fails when
 * the step fails ({@code FAIL}, or a refused match delivery); the caller turns that into an error
 * frame or a refusal. {@code REJOIN} is the server's only join retry: it runs as the socket's next
 * ordered step, and its failure is written as a {@code join-queue} error (docs/architecture.md,
 * "One join retry").
 */
public final class ActionInterpreter {
  private static final Logger LOG = LoggerFactory.getLogger(ActionInterpreter.class);

  private final EventBus bus;
  private final DeliveryOptions requests;
  private final String nodeId;
  private final Presence presence;
  private final MatchedFrame frames;

  public ActionInterpreter(EventBus bus, DeliveryOptions requests, String nodeId, Presence presence, MatchedFrame frames) {
    this.bus = bus;
    this.requests = requests;
    this.nodeId = nodeId;
    this.presence = presence;
    this.frames = frames;
  }

  /** Carries out {@code actions} for socket {@code c}, in order (on the socket's loop). */
  public Future<Void> run(ClientLink c, List<CallAction> actions) {
    return runFrom(c, actions, 0);
  }

  private Future<Void> runFrom(ClientLink c, List<CallAction> actions, int from) {
    for (int i = from; i < actions.size(); i++) {
      Future<Void> done = perform(c, actions.get(i));
      if (!done.isComplete()) {
        int next = i + 1;
        return next == actions.size() ? done : done.compose(v -> runFrom(c, actions, next));
      }
      if (done.failed()) return done;
    }
    return Future.succeededFuture();
  }

  private Future<Void> perform(ClientLink c, CallAction a) {
    CallState call = c.call();
    String user = c.identity().userId();
    return switch (a.kind()) {
      case SEND -> {
        c.send(a.frame());
        if (a.note() != null) LOG.debug("{} user={} session={}", a.note(), user, a.session());
        yield Future.succeededFuture();
      }
      case SEND_QUEUED -> sent(c, ServerFrames.of(MessageType.QUEUED, new JsonObject()));
      case SEND_MATCHED -> {
        c.send(frames.encode(user, a.match(), System.currentTimeMillis()));
        LOG.debug("matched user={} session={} role={}", user, a.match().sessionId(), a.match().role());
        yield Future.succeededFuture();
      }
      case SEND_RESUMED -> {
        c.send(frames.encodeResumed(user, a.match(), call.peerAway(), System.currentTimeMillis()));
        LOG.debug("resumed user={} session={} role={}", user, a.match().sessionId(), a.match().role());
        GatewayMetrics.resumed();
        yield Future.succeededFuture();
      }
      case SEND_QUEUED_STATS -> queuedWithStats(c);
      case ACCEPT_MATCH -> Future.succeededFuture();
      case REFUSE_MATCH -> Future.failedFuture(new TandemException(ErrorCode.GONE));
      case FAIL -> Future.failedFuture(a.error());
      case END_KEPT -> {
        LOG.debug("ending a call kept for resume before a join user={} session={}", user, a.session());
        yield presence.endCall(user, c.connId(), a.session()).<Void>mapEmpty().recover(err -> Future.succeededFuture());
      }
      case REQUEST_JOIN -> bus.<JsonObject>request(Addresses.matchmakerJoin(presence.partitionOf(user)), new JoinRequest(me(c), call.wishes()).toJson(), requests)
          .map(msg -> JoinReply.fromJson(msg.body()))
          .transform(ar -> run(c, ar.failed() ? call.joinFailed(Failures.map(ar.cause()))
              : ar.result().matched() ? call.joinMatched(ar.result().match(), System.currentTimeMillis()) : call.joinQueued()));
      case REQUEST_LEAVE -> bus.request(Addresses.matchmakerLeave(presence.partitionOf(user)), me(c).toJson(), requests).mapEmpty();
      case ABANDON -> presence.abandon(user, c.connId())
          .transform(ab -> run(c, call.abandoned(ab.succeeded() ? ab.result() : null)));
      case REJOIN -> {
        LOG.debug("searching again user={}", user);
        c.inOrder(() -> run(c, c.call().rejoin()).recover(err -> sent(c, ServerFrames.error(err, MessageType.JOIN_QUEUE))));
        yield Future.succeededFuture();
      }
      case REQUEST_RESUME -> presence.resume(user, c.connId(), a.session())
          .transform(ar -> run(c, ar.failed() ? call.resumeRefused(Failures.map(ar.cause())) : call.resumed(given(ar.result()),
              ar.result().peerReconnecting(), ar.result().epoch())));
      case REQUEST_END -> {
        String sid = a.match().sessionId();
        yield presence.endCall(user, c.connId(), sid).compose(status -> run(c, call.endedByUser(a.match(),
            status == EndResult.Status.ENDED, ServerFrames.of(MessageType.CALL_ENDED, new JsonObject().put("sessionId", sid)))));
      }
      case TELL_PEER_LEFT -> {
        presence.tellPeer(a.match(), PeerNotifier.Reason.LEFT);
        yield Future.succeededFuture();
      }
    };
  }

  /**
   * {@code queued} with the presence counts (up to {@code Presence.STATS_MAX_AGE_MS} old: at least the
   * user who just queued is counted) and the ICE servers the match will bring (the waiting user, the
   * next match's caller, makes its offer with them now), if the socket still searches by then.
   */
  private Future<Void> queuedWithStats(ClientLink c) {
    return presence.stats().recover(err -> Future.succeededFuture(new JsonObject())).map(stats -> {
      if (stats.containsKey("online")) {
        stats.put("online", Math.max(1L, stats.getLong("online"))).put("waiting", Math.max(1L, stats.getLong("waiting")));
      }
      stats.put("iceServers", frames.iceServers(c.identity().userId(), System.currentTimeMillis()));
      if (c.call().searching()) c.send(ServerFrames.of(MessageType.QUEUED, stats));
      return null;
    });
  }

  private static Future<Void> sent(ClientLink c, String frame) {
    c.send(frame);
    return Future.succeededFuture();
  }

  private UserRef me(ClientLink c) {
    return new UserRef(c.identity().userId(), c.connId(), nodeId);
  }

  private static MatchInfo given(Resumed r) {
    return new MatchInfo(r.sessionId(), r.peer().userId(), r.role(), r.peerName(), r.peer().node(), r.peer().connId(), List.of(),
        r.peerDevice(), "");
  }
}
