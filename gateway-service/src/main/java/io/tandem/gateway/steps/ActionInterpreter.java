package io.tandem.gateway.steps;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.MessageType;
import io.tandem.common.PeerNotifier;
import io.tandem.common.TandemException;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.LeaveRequest;
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
  private final long overflowAfterMs;

  /** An interpreter whose searches never move to an overflow partition. */
  public ActionInterpreter(EventBus bus, DeliveryOptions requests, String nodeId, Presence presence, MatchedFrame frames) {
    this(bus, requests, nodeId, presence, frames, 0);
  }

  /**
   * @param overflowAfterMs a search still waiting in the user's own partition this long moves to the
   *     region's overflow partition, when there is one ({@code OVERFLOW_AFTER_MS}; 0: never)
   */
  public ActionInterpreter(EventBus bus, DeliveryOptions requests, String nodeId, Presence presence, MatchedFrame frames,
                           long overflowAfterMs) {
    this.bus = bus;
    this.requests = requests;
    this.nodeId = nodeId;
    this.presence = presence;
    this.frames = frames;
    this.overflowAfterMs = overflowAfterMs;
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
      case SEND_QUEUED_STATS -> {
        if (!call.searchesInOverflow()) watch(c);
        yield queuedWithStats(c);
      }
      case ACCEPT_MATCH -> Future.succeededFuture();
      case REFUSE_MATCH -> Future.failedFuture(new TandemException(ErrorCode.GONE));
      case FAIL -> Future.failedFuture(a.error());
      case END_KEPT -> {
        LOG.debug("ending a call kept for resume before a join user={} session={}", user, a.session());
        yield presence.endCall(user, c.connId(), a.session()).<Void>mapEmpty().recover(err -> Future.succeededFuture());
      }
      case REQUEST_JOIN -> requestJoin(c);
      case REQUEST_LEAVE -> bus.request(Addresses.matchmakerLeave(searchPartition(c)), new LeaveRequest(me(c), searchFence(c)).toJson(), requests)
          .mapEmpty();
      case ABANDON -> presence.abandon(searchPartition(c), searchFence(c), user, c.connId())
          .transform(ab -> run(c, call.abandoned(ab.succeeded() ? ab.result() : null)));
      case MOVE_OUT -> presence.takeOutOfQueue(user, c.connId())
          .transform(ar -> run(c, call.movedOut(ar.succeeded() && ar.result())));
      case JOIN_OVERFLOW -> {
        GatewayMetrics.movedToOverflow();
        LOG.debug("moving to the overflow user={} fence={}", user, call.fence());
        yield inOverflowStore(c).transform(ar -> ar.failed() ? run(c, call.joinFailed(Failures.map(ar.cause()))) : requestJoin(c));
      }
      case REJOIN -> {
        LOG.debug("searching again user={}", user);
        c.inOrder(() -> run(c, c.call().rejoin()).recover(err -> sent(c, ServerFrames.error(err, MessageType.JOIN_QUEUE))));
        yield Future.succeededFuture();
      }
      case REQUEST_RESUME -> inStoreOf(c, a.session()).compose(v -> presence.resume(user, c.connId(), a.session()))
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

  /** join-queue in the partition the search waits in (the overflow's fenced); its answer goes back to the state. */
  private Future<Void> requestJoin(ClientLink c) {
    CallState call = c.call();
    JoinRequest req = new JoinRequest(me(c), call.wishes(), searchFence(c));
    return bus.<JsonObject>request(Addresses.matchmakerJoin(searchPartition(c)), req.toJson(), requests)
        .map(msg -> JoinReply.fromJson(msg.body()))
        .transform(ar -> run(c, ar.failed() ? call.joinFailed(Failures.map(ar.cause()))
            : ar.result().matched() ? call.joinMatched(ar.result().match(), System.currentTimeMillis()) : call.joinQueued()));
  }

  /** Where the socket's search waits: the overflow after a move, else the user's own partition. */
  private String searchPartition(ClientLink c) {
    return c.call().searchesInOverflow() ? presence.overflow() : presence.partitionOf(c.identity().userId());
  }

  private static long searchFence(ClientLink c) {
    return c.call().searchesInOverflow() ? c.call().fence() : 0;
  }

  /** After the overflow delay, the search that is waiting now moves if it still waits at home (as the socket's next ordered step). */
  private void watch(ClientLink c) {
    if (overflowAfterMs <= 0 || presence.overflow() == null) return;
    long searchNo = c.call().searchNo();
    c.later(overflowAfterMs, () -> c.inOrder(() -> run(c, c.call().overflowDue(searchNo))
        .recover(err -> sent(c, ServerFrames.error(err, MessageType.JOIN_QUEUE)))));
  }

  /** Registers the socket in the overflow partition once (before it searches or resumes a call there). */
  private Future<Void> inOverflowStore(ClientLink c) {
    if (c.call().inOverflowStore()) return Future.succeededFuture();
    return presence.enterOverflow(c.identity(), c.connId()).onSuccess(v -> c.call().enteredOverflow());
  }

  /** Before a resume: a call the overflow made needs the socket registered there. */
  private Future<Void> inStoreOf(ClientLink c, String sessionId) {
    String p = presence.partitionOfSession(c.identity().userId(), sessionId);
    return p.equals(presence.overflow()) ? inOverflowStore(c) : Future.succeededFuture();
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
