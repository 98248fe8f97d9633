package io.tandem.gateway;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Limits;
import io.tandem.common.MessageType;
import io.tandem.common.RedisKeys;
import io.tandem.common.TandemException;
import io.tandem.common.msg.ChatRequest;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket: reads frames in order (each handled after the previous one finished), keeps
 * the socket's call state, and writes frames. Identity comes from the verified token only.
 */
public final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** Frames waiting to be handled before new ones are refused with {@code rate-limited}. */
  public static final int MAX_PENDING_FRAMES = 128;
  /** Close code: a newer socket of the same user replaced this one. */
  public static final short CLOSE_REPLACED = 4000;
  /** Close code: the access token expired and was not refreshed. */
  public static final short CLOSE_TOKEN_EXPIRED = 4001;
  /** Close code: the gateway is restarting; reconnect. */
  public static final short CLOSE_RESTART = 1012;
  /** Relayed frames kept for a session whose match has not reached this socket yet (the peer was faster). */
  public static final int EARLY_RELAYS_MAX = 64;
  /** How long such early frames are kept, ms. */
  public static final long EARLY_RELAY_MAX_AGE_MS = 5000;
  /** Close code: policy violation (sustained abuse, or the device or network was blocked). */
  public static final short CLOSE_POLICY = 1008;

  enum State { IDLE, QUEUED, IN_CALL }

  private final Gateway gw;
  private final ServerWebSocket ws;
  private final String connId;
  private final String ipHash;
  private final FrameBudget budget = new FrameBudget();
  private Identity identity;
  private State state = State.IDLE;
  private MatchInfo match;
  private String lastSessionId;
  private String lastPeerId;
  private String lastPeerDevice;
  /** A session whose end arrived before its match (the peer vanished while being matched). */
  private String endedBeforeMatch;
  /** Frames that arrived for a session before its match (in order), with their arrival time. */
  private final java.util.ArrayDeque<Object[]> earlyRelays = new java.util.ArrayDeque<>();
  private Future<Void> tail;
  /** Chat frames, in order, apart from the rest (chat waits on chat-service). */
  private Future<Void> chatTail = Future.succeededFuture();
  private int pending;
  /** A join-queue is being answered (its reply decides the state). */
  private boolean joining;
  /** Interests of the last join-queue (a failed match searches again with them). */
  private List<String> interests = List.of();
  private long expiryTimer = -1;
  private boolean closed;
  private Future<Void> cleanup = Future.succeededFuture();
  private final io.vertx.core.Promise<Void> closedPromise = io.vertx.core.Promise.promise();
  /** Attempts to forget a closed socket in the store. */
  public static final int DISCONNECT_ATTEMPTS = 4;
  /** Pause between those attempts, ms. */
  public static final long DISCONNECT_RETRY_MS = 2000;
  /** Longest a drain waits for one socket's close handshake and cleanup, ms. */
  public static final long CLOSE_WAIT_MS = 5000;

  Connection(Gateway gw, ServerWebSocket ws, Identity identity, String ipHash, String connId) {
    this.gw = gw;
    this.ws = ws;
    this.identity = identity;
    this.ipHash = ipHash;
    this.connId = connId;
  }

  /** Keyed hash of the client's network (for network blocks). */
  String ipHash() {
    return ipHash;
  }

  public Identity identity() {
    return identity;
  }

  public String connId() {
    return connId;
  }

  boolean isQueued() {
    return state == State.QUEUED;
  }

  /** Registers the socket (locally and in Redis) and starts reading. */
  void start() {
    Connection older = gw.registry().put(this);
    if (older != null) older.close(CLOSE_REPLACED, "replaced by a newer connection");
    MessageAssembler assembler = new MessageAssembler(gw.config().maxFrameBytes() * Limits.WS_HARD_LIMIT_FACTOR, this::onText,
        () -> {
          if (charge(null)) send(ServerFrames.error(new TandemException(ErrorCode.INVALID_JSON, "Binary frames are not accepted"), null));
        },
        () -> {
          LOG.info("closing socket after an over-limit message user={} conn={}", identity.userId(), connId);
          close(MessageAssembler.CLOSE_TOO_BIG, "message too big");
        });
    ws.frameHandler(assembler::handle);
    ws.exceptionHandler(err -> LOG.debug("socket error user={} conn={}: {}", identity.userId(), connId, err.toString()));
    ws.closeHandler(v -> onClose());
    scheduleExpiry();
    tail = gw.presence().connect(identity, connId)
        .onSuccess(v -> LOG.info("connected user={} conn={}", identity.userId(), connId))
        .recover(err -> {
          LOG.warn("could not register user={} conn={}: {}", identity.userId(), connId, err.toString());
          close(CLOSE_RESTART, "temporarily unavailable");
          return Future.succeededFuture();
        });
  }

  /**
   * Every frame is parsed and charged to the socket's budget at once, junk included (a flood of
   * bad frames costs budget like any other and ends in a 1008 close). Relays are forwarded at once
   * (they touch no store, so they never wait behind an unrelated step); chat runs in its own queue
   * (a slow chat-service holds back only chat); the rest runs in order, one step at a time.
   */
  private void onText(String text) {
    if (closed) return;
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(text, gw.config().maxFrameBytes());
    } catch (TandemException e) {
      if (charge(null)) send(ServerFrames.error(e, null));
      return;
    }
    if (!charge(frame.type())) return;
    switch (frame.type()) {
      case SEND_OFFER, SEND_ANSWER, SEND_CANDIDATE -> {
        Future<Void> done;
        try {
          done = dispatch(frame);
        } catch (RuntimeException e) {
          done = Future.failedFuture(e);
        }
        done.onFailure(err -> send(ServerFrames.error(err, frame.type())));
      }
      case SEND_MESSAGE -> chatTail = enqueue(chatTail, frame);
      default -> tail = enqueue(tail, frame);
    }
  }

  /** Takes budget for a frame (null = unparseable); false when refused (answered, or the socket closed). */
  private boolean charge(MessageType type) {
    if (budget.take(type, System.nanoTime())) return true;
    if (budget.abusive()) {
      LOG.info("closing abusive socket user={} conn={}", identity.userId(), connId);
      close(CLOSE_POLICY, "rate limit exceeded");
    } else if (type != null) {
      send(ServerFrames.error(new TandemException(ErrorCode.RATE_LIMITED, "Too many " + type.wire + " messages, slow down"), type));
    } else {
      send(ServerFrames.error(new TandemException(ErrorCode.RATE_LIMITED, "Too many invalid frames, slow down"), null));
    }
    return false;
  }

  private Future<Void> enqueue(Future<Void> queue, ClientFrame frame) {
    if (pending >= MAX_PENDING_FRAMES) {
      send(ServerFrames.error(new TandemException(ErrorCode.RATE_LIMITED, "Too many frames in flight"), frame.type()));
      return queue;
    }
    pending++;
    return queue.transform(ar -> handle(frame)).andThen(ar -> pending--);
  }

  private Future<Void> handle(ClientFrame frame) {
    if (closed) return Future.succeededFuture();
    Future<Void> result;
    try {
      result = dispatch(frame);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.recover(err -> {
      send(ServerFrames.error(err, frame.type()));
      return Future.succeededFuture();
    });
  }

  private Future<Void> dispatch(ClientFrame f) {
    JsonObject d = f.data();
    return switch (f.type()) {
      case JOIN_QUEUE -> join(Payloads.interests(d));
      case LEAVE_QUEUE -> leave();
      case SEND_OFFER -> relay(d, MessageType.OFFER, "offer", Payloads.description(d, "offer", "offer"));
      case SEND_ANSWER -> relay(d, MessageType.ANSWER, "answer", Payloads.description(d, "answer", "answer"));
      case SEND_CANDIDATE -> relay(d, MessageType.CANDIDATE, "candidate", Payloads.candidate(d));
      case SEND_MESSAGE -> chat(d);
      case END_CALL -> endCall(Payloads.sessionId(d));
      case REPORT -> report(Payloads.sessionId(d), Payloads.reportReason(d));
      case REFRESH_TOKEN -> refreshToken(Payloads.accessToken(d));
      default -> Future.failedFuture(new TandemException(ErrorCode.UNKNOWN_TYPE));
    };
  }

  private Future<Void> join(List<String> wanted) {
    return join(wanted, true);
  }

  /**
   * join-queue. When the answer does not come (or the store says in-session although this socket
   * knows no call), the join is abandoned in the store: the user leaves the queue and a session this
   * socket never heard of is undone (its peer told), so Redis and the socket agree; then the client
   * hears the error and may try again. An in-session answer caused by such a ghost is retried once.
   */
  private Future<Void> join(List<String> wanted, boolean retryGhost) {
    if (state == State.IN_CALL) return Future.failedFuture(new TandemException(ErrorCode.IN_SESSION));
    state = State.QUEUED;
    interests = wanted;
    joining = true;
    JoinRequest req = new JoinRequest(new UserRef(identity.userId(), connId, gw.config().nodeId()), wanted);
    return gw.vertx().eventBus().<JsonObject>request(Addresses.MATCHMAKER_JOIN, req.toJson(), gw.requestOptions())
        .map(msg -> JoinReply.fromJson(msg.body()))
        .andThen(ar -> joining = false)
        .compose(reply -> {
          if (reply.matched()) {
            // matched at once: acknowledge and deliver without waiting for presence counts
            send(ServerFrames.of(MessageType.QUEUED, new JsonObject()));
            if (!applyMatch(reply.match()) && !closed && state != State.IN_CALL) {
              // the stranger vanished between being paired and this socket's match: search again
              return join(wanted, retryGhost);
            }
            return Future.succeededFuture();
          }
          return gw.presence().stats().recover(err -> Future.succeededFuture(new JsonObject())).map(stats -> {
            if (state == State.QUEUED) send(ServerFrames.of(MessageType.QUEUED, stats));
            return null;
          });
        }, err -> {
          if (state == State.IN_CALL || closed) return Future.failedFuture(err);
          state = State.IDLE;
          TandemException te = io.tandem.common.Failures.map(err);
          return gw.presence().abandon(identity.userId(), connId).transform(ab -> {
            if (ab.succeeded() && ab.result() != null) endedBeforeMatch = ab.result();
            if (te.code() == ErrorCode.IN_SESSION && retryGhost && ab.succeeded() && ab.result() != null && !closed) {
              LOG.info("undid a session this socket never heard of user={} session={}; joining again", identity.userId(), ab.result());
              return join(wanted, false);
            }
            return Future.failedFuture(te);
          });
        })
        .mapEmpty();
  }

  private Future<Void> leave() {
    if (state != State.QUEUED) return Future.succeededFuture();
    state = State.IDLE;
    return gw.vertx().eventBus().request(Addresses.MATCHMAKER_LEAVE,
        new UserRef(identity.userId(), connId, gw.config().nodeId()).toJson(), gw.requestOptions()).mapEmpty();
  }

  /** The current session, or a NOT_IN_SESSION failure when {@code sessionId} is not it. */
  private MatchInfo current(String sessionId) {
    if (state != State.IN_CALL || match == null || !match.sessionId().equals(sessionId)) {
      throw new TandemException(ErrorCode.NOT_IN_SESSION);
    }
    return match;
  }

  private Future<Void> relay(JsonObject d, MessageType out, String field, JsonObject payload) {
    MatchInfo m = current(Payloads.sessionId(d));
    JsonObject data = new JsonObject().put("sessionId", m.sessionId()).put("from", identity.userId()).put(field, payload);
    gw.vertx().eventBus().send(Addresses.gatewayNode(m.peerNode()), Delivery.relay(m.peerId(), m.peerConn(), out.wire, data).toJson());
    return Future.succeededFuture();
  }

  private Future<Void> chat(JsonObject d) {
    MatchInfo m = current(Payloads.sessionId(d));
    ChatRequest req = new ChatRequest(m.sessionId(), identity.userId(), identity.name(), Payloads.chatText(d),
        new UserRef(m.peerId(), m.peerConn(), m.peerNode()));
    return gw.vertx().eventBus().<JsonObject>request(Addresses.CHAT_SEND, req.toJson(), gw.requestOptions())
        .map(msg -> {
          send(ServerFrames.of(MessageType.MESSAGE, msg.body()));
          return null;
        });
  }

  /**
   * end-call. When the store no longer has the session although this socket does (an earlier
   * end-call timed out and ran late, or the session expired), nobody told the peer: do it here.
   */
  private Future<Void> endCall(String sessionId) {
    MatchInfo m = current(sessionId);
    return gw.presence().endCall(identity.userId(), connId, sessionId).map(status -> {
      endLocally();
      if (!"ended".equals(status)) gw.presence().tellPeer(m, Presence.REASON_LEFT);
      send(ServerFrames.of(MessageType.CALL_ENDED, new JsonObject().put("sessionId", sessionId)));
      return null;
    });
  }

  private Future<Void> report(String sessionId, String reason) {
    if (!sessionId.equals(lastSessionId)) {
      return Future.failedFuture(new TandemException(ErrorCode.NOT_IN_SESSION, "You can only report your current or last stranger"));
    }
    return gw.presence().report(sessionId, identity.deviceHash(), lastPeerDevice, reason, gw.safety()).map(blockedNow -> {
      LOG.info("report session={} reason={}", sessionId, reason);
      GatewayMetrics.report();
      if (blockedNow) {
        LOG.info("device blocked automatically after reports session={}", sessionId);
        gw.blocks().index(RedisKeys.blockedDevice(lastPeerDevice), System.currentTimeMillis() / 1000 + gw.safety().autoBlockTtlSeconds(), "auto");
        gw.vertx().eventBus().publish(Addresses.SAFETY_BLOCKED, new JsonObject().put("device", lastPeerDevice));
      }
      send(ServerFrames.of(MessageType.REPORTED, new JsonObject().put("sessionId", sessionId)));
      return null;
    });
  }

  private Future<Void> refreshToken(String token) {
    return gw.verifier().verify(token).map(id -> {
      if (!id.userId().equals(identity.userId())) {
        throw new TandemException(ErrorCode.UNAUTHORIZED, "The token belongs to another user");
      }
      identity = new Identity(identity.userId(), identity.name(), identity.deviceHash(), id.expiresAt());
      scheduleExpiry();
      send(ServerFrames.of(MessageType.TOKEN_REFRESHED, new JsonObject().put("expiresAt", id.expiresAt())));
      return null;
    });
  }

  // ---- deliveries from other nodes and services ----

  /** Applies a match; false when this socket is already in another call. */
  boolean applyMatch(MatchInfo m) {
    boolean same = state == State.IN_CALL && match != null && match.sessionId().equals(m.sessionId());
    if (same) return true;
    // only a socket that is searching takes a match: one that left the queue, gave up on its join
    // or is in another call refuses it (the matchmaker then undoes the match)
    if (closed || state != State.QUEUED || m.sessionId().equals(endedBeforeMatch)) return false;
    state = State.IN_CALL;
    match = m;
    lastSessionId = m.sessionId();
    lastPeerId = m.peerId();
    lastPeerDevice = m.peerDevice();
    io.vertx.core.json.JsonArray ice = gw.config().iceServers().copy();
    if (gw.config().turn() != null) ice.add(gw.config().turn().forUser(identity.userId(), System.currentTimeMillis() / 1000));
    JsonObject data = new JsonObject().put("sessionId", m.sessionId()).put("peerId", m.peerId()).put("role", m.role())
        .put("peer", new JsonObject().put("name", m.peerName())).put("iceServers", ice)
        .put("commonInterests", new io.vertx.core.json.JsonArray(List.copyOf(m.commonInterests())));
    send(ServerFrames.of(MessageType.MATCHED, data));
    LOG.info("matched user={} session={} role={}", identity.userId(), m.sessionId(), m.role());
    long now = System.currentTimeMillis();
    for (Object[] early : earlyRelays) {
      JsonObject d = (JsonObject) early[1];
      if (m.sessionId().equals(d.getString("sessionId")) && now - (long) early[2] <= EARLY_RELAY_MAX_AGE_MS) {
        send(ServerFrames.of((String) early[0], d));
      }
    }
    earlyRelays.clear();
    return true;
  }

  /** Writes a relayed frame if it belongs to the current session. */
  void deliver(String type, JsonObject data) {
    String sid = data.getString("sessionId");
    if (match == null || !match.sessionId().equals(sid)) {
      if (MessageType.PEER_DISCONNECTED.wire.equals(type)) {
        endedBeforeMatch = sid;
        earlyRelays.removeIf(e -> sid.equals(((JsonObject) e[1]).getString("sessionId")));
        if (Presence.REASON_MATCH_FAILED.equals(data.getString("reason")) && state == State.QUEUED && !joining && !closed) {
          // a match for this searching socket was undone before it arrived: the store no longer
          // has it queued, so search again (in order with the socket's other steps)
          LOG.info("match undone before delivery user={} session={}; searching again", identity.userId(), sid);
          pending++;
          tail = tail.transform(ar -> state == State.QUEUED && !closed ? join(interests).recover(e -> {
            send(ServerFrames.error(e, MessageType.JOIN_QUEUE));
            return Future.succeededFuture();
          }) : Future.<Void>succeededFuture()).andThen(ar -> pending--);
        }
      } else if (state != State.IN_CALL && sid != null) {
        // the peer's match reached its gateway first and it is already signaling: keep the frames
        // until this socket's own match arrives (bounded in number and age)
        if (earlyRelays.size() >= EARLY_RELAYS_MAX) earlyRelays.pollFirst();
        earlyRelays.addLast(new Object[] {type, data, System.currentTimeMillis()});
      }
      return;
    }
    if (MessageType.PEER_DISCONNECTED.wire.equals(type)) {
      endLocally();
      LOG.info("peer left user={} session={} reason={}", identity.userId(), sid, data.getString("reason"));
    }
    send(ServerFrames.of(type, data));
  }

  private void endLocally() {
    state = State.IDLE;
    match = null;
  }

  void send(String frame) {
    if (!closed && !ws.isClosed()) ws.writeTextMessage(frame);
  }

  /** Sends a WebSocket ping; a client that never answers goes idle and is closed. */
  void ping() {
    if (!closed && !ws.isClosed()) ws.writePing(io.vertx.core.buffer.Buffer.buffer());
  }

  void close(short code, String reason) {
    if (!ws.isClosed()) ws.close(code, reason);
  }

  private void scheduleExpiry() {
    if (expiryTimer >= 0) gw.vertx().cancelTimer(expiryTimer);
    long ms = Math.max(0, (identity.expiresAt() + Limits.TOKEN_LEEWAY_SECONDS) * 1000 - System.currentTimeMillis());
    expiryTimer = gw.vertx().setTimer(Math.max(1, ms), t -> {
      LOG.info("token expired user={} conn={}", identity.userId(), connId);
      close(CLOSE_TOKEN_EXPIRED, "token expired");
    });
  }

  /** Resolves once the socket's Redis state is cleaned (the peer told). */
  Future<Void> cleanedUp() {
    return cleanup;
  }

  /** Resolves once the socket has closed and its Redis state is cleaned (bounded by {@link #CLOSE_WAIT_MS}). */
  Future<Void> closedAndCleaned() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long timer = gw.vertx().setTimer(CLOSE_WAIT_MS, t -> done.tryComplete());
    closedPromise.future().compose(v -> cleanup).onComplete(ar -> {
      gw.vertx().cancelTimer(timer);
      done.tryComplete();
    });
    return done.future();
  }

  /**
   * Forgets the socket in the store, retrying while the store does not answer (the step is
   * idempotent). At the first failure the peer of a live call is told directly, so it never waits
   * on a store that may run the step late or not at all.
   */
  private Future<Void> disconnect(MatchInfo inCall, int attemptsLeft) {
    return gw.presence().disconnect(identity.userId(), connId).recover(err -> {
      if (inCall != null && attemptsLeft == DISCONNECT_ATTEMPTS) gw.presence().tellPeer(inCall, Presence.REASON_DISCONNECTED);
      if (attemptsLeft <= 1 || gw.registry().draining()) return Future.failedFuture(err);
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      gw.vertx().setTimer(DISCONNECT_RETRY_MS, t -> disconnect(inCall, attemptsLeft - 1).onComplete(later));
      return later.future();
    });
  }

  private void onClose() {
    if (closed) return;
    closed = true;
    closedPromise.tryComplete();
    gw.vertx().cancelTimer(expiryTimer);
    gw.registry().remove(this);
    MatchInfo inCall = state == State.IN_CALL ? match : null;
    cleanup = tail.transform(ar -> disconnect(inCall, DISCONNECT_ATTEMPTS))
        .onSuccess(v -> LOG.info("disconnected user={} conn={}", identity.userId(), connId))
        .onFailure(err -> LOG.warn("cleanup failed user={} conn={}: {}", identity.userId(), connId, err.toString()));
  }
}
