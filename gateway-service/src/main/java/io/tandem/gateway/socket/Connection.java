package io.tandem.gateway.socket;

import io.tandem.gateway.protocol.CloseCodes;

import io.tandem.gateway.call.CallState;
import io.tandem.gateway.presence.Presence;
import io.tandem.gateway.steps.ClientLink;
import io.tandem.gateway.steps.FrameDispatcher;
import io.tandem.gateway.token.Identity;

import io.tandem.common.Limits;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client socket's lifecycle: registration in the store, reading (through {@link FrameIntake}),
 * writing, the token's expiry, and cleanup once closed. The call itself is in {@link CallState}.
 * Identity comes from the verified token only.
 * <p>
 * Thread confinement: a connection and its call state belong to the event loop of the socket
 * server that accepted the socket ({@link #loop()}); nothing here is thread-safe. Code that
 * reaches a connection from elsewhere goes through {@link #onLoop} (or {@link SocketLoop#runEach}).
 */
public final class Connection implements ClientLink {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  /** Longest a drain waits for one socket's close handshake and cleanup, ms. */
  public static final long CLOSE_WAIT_MS = 5000;

  private final Vertx vertx;
  private final SocketLoop loop;
  private final ServerWebSocket ws;
  private final String connId;
  private final String ipHash;
  private final Presence presence;
  private final SocketCleanup cleanupSteps;
  private final CallState call = new CallState();
  private final FrameIntake intake;
  private final int hardLimit;
  private final Promise<Void> closedPromise = Promise.promise();
  /** Volatile: other loops read the user id and device hash (registry, blocks); a renewal keeps both. */
  private volatile Identity identity;
  private long expiryTimer = -1;
  private boolean closed;
  /** The code this node closed the socket with, or 0 when the client closed it or the connection was lost. */
  private short closedByServer;
  private Future<Void> cleanup = Future.succeededFuture();

  public Connection(Vertx vertx, SocketLoop loop, ServerWebSocket ws, Identity identity, String ipHash, String connId, Presence presence,
             SocketCleanup cleanupSteps, FrameDispatcher dispatcher, int maxFrameBytes) {
    this.vertx = vertx;
    this.loop = loop;
    this.ws = ws;
    this.identity = identity;
    this.ipHash = ipHash;
    this.connId = connId;
    this.presence = presence;
    this.cleanupSteps = cleanupSteps;
    this.hardLimit = maxFrameBytes * Limits.WS_HARD_LIMIT_FACTOR;
    this.intake = new FrameIntake(this, dispatcher, maxFrameBytes, () -> closed, this::close);
  }

  /** The event loop this socket belongs to. */
  public SocketLoop loop() {
    return loop;
  }

  /** Runs {@code task} on this socket's event loop (at once when already there). */
  public void onLoop(Runnable task) {
    loop.run(task);
  }

  /** Runs {@code action} on each connection's own loop, one queued task per loop. */
  public static void onTheirLoops(java.util.List<Connection> connections, java.util.function.Consumer<Connection> action) {
    SocketLoop.runEach(connections, Connection::loop, action);
  }

  /** Keyed hash of the client's network (for network blocks). */
  public String ipHash() {
    return ipHash;
  }

  @Override
  public Identity identity() {
    return identity;
  }

  @Override
  public String connId() {
    return connId;
  }

  @Override
  public CallState call() {
    return call;
  }

  /**
   * Starts reading and registers the socket in the store; frames wait for that registration.
   * {@code onClosed} runs once when the socket closes (before its store cleanup); {@code onRegistered}
   * once the registration is done, whether it succeeded or not.
   */
  void start(Runnable onClosed, Runnable onRegistered) {
    MessageAssembler assembler = new MessageAssembler(hardLimit, intake::onText, intake::onBinary, () -> {
      LOG.info("closing socket after an over-limit message user={} conn={}", identity.userId(), connId);
      close(CloseCodes.TOO_BIG, "message too big");
    });
    ws.frameHandler(assembler::handle);
    ws.exceptionHandler(err -> {
      // a frame the codec refused (far over the size limit, malformed): the transport closes the
      // socket itself (Vert.x 5.2 with a 1000 close frame unless told otherwise), so close it here
      // first with 1009; that close is the client's doing, not a lost network
      if (err instanceof io.netty.handler.codec.CodecException) close(CloseCodes.TOO_BIG, "message too big");
      LOG.debug("socket error user={} conn={}: {}", identity.userId(), connId, err.toString());
    });
    ws.closeHandler(v -> onClose(onClosed));
    scheduleExpiry();
    intake.after(presence.connect(identity, connId)
        .map(resumable -> {
          LOG.debug("connected user={} conn={} loop={} resumable={}", identity.userId(), connId, loop.index(), resumable != null);
          if (resumable != null) call.resumable(resumable);
          return (Void) null;
        })
        .recover(err -> {
          LOG.warn("could not register user={} conn={}: {}", identity.userId(), connId, err.toString());
          close(CloseCodes.RESTART, "temporarily unavailable");
          return Future.succeededFuture();
        })
        .andThen(ar -> onRegistered.run()));
  }

  @Override
  public void send(String frame) {
    assert loop.here() : "send off the socket's loop";
    if (!closed && !ws.isClosed()) ws.writeTextMessage(frame);
  }

  @Override
  public void renew(Identity id) {
    assert loop.here() : "renew off the socket's loop";
    identity = id;
    scheduleExpiry();
  }

  @Override
  public void inOrder(Supplier<Future<Void>> step) {
    intake.inOrder(step);
  }

  @Override
  public void later(long delayMs, Runnable task) {
    vertx.setTimer(Math.max(1, delayMs), t -> onLoop(() -> {
      if (!closed) task.run();
    }));
  }

  /** Sends a WebSocket ping; a client that never answers goes idle and is closed. */
  public void ping() {
    assert loop.here() : "ping off the socket's loop";
    if (!closed && !ws.isClosed()) ws.writePing(Buffer.buffer());
  }

  public void close(short code, String reason) {
    assert loop.here() : "close off the socket's loop";
    if (!ws.isClosed()) {
      if (closedByServer == 0) closedByServer = code;
      ws.close(code, reason);
    }
  }

  /**
   * Whether the socket was lost without the person meaning to end (its call then waits for a
   * resume): no close frame from the client (1006: network loss, idle timeout), or this node closed
   * it while draining (1012) or for an expired token (4001). A close frame the client sent (1000
   * Next/Stop, 1001 a closed tab) or a close for policy, size (also a frame the codec refused) or
   * replacement is meant.
   */
  boolean lostUnintentionally() {
    if (closedByServer != 0) return CloseCodes.resumable(closedByServer);
    Short code = ws.closeStatusCode();
    return code == null || code == CloseCodes.ABNORMAL;
  }

  private void scheduleExpiry() {
    if (expiryTimer >= 0) vertx.cancelTimer(expiryTimer);
    long ms = Math.max(0, (identity.expiresAt() + Limits.TOKEN_LEEWAY_SECONDS) * 1000 - System.currentTimeMillis());
    expiryTimer = vertx.setTimer(Math.max(1, ms), t -> {
      LOG.debug("token expired user={} conn={}", identity.userId(), connId);
      close(CloseCodes.TOKEN_EXPIRED, "token expired");
    });
  }

  /** Resolves once the socket has closed and its store state is cleaned (bounded by {@link #CLOSE_WAIT_MS}). */
  public Future<Void> closedAndCleaned() {
    Promise<Void> done = Promise.promise();
    long timer = vertx.setTimer(CLOSE_WAIT_MS, t -> done.tryComplete());
    closedPromise.future().compose(v -> cleanup).onComplete(ar -> {
      vertx.cancelTimer(timer);
      done.tryComplete();
    });
    return done.future();
  }

  private void onClose(Runnable onClosed) {
    if (closed) return;
    closed = true;
    closedPromise.tryComplete();
    vertx.cancelTimer(expiryTimer);
    onClosed.run();
    MatchInfo inCall = call.close();
    boolean lost = lostUnintentionally();
    boolean replaced = closedByServer == CloseCodes.REPLACED;
    boolean overflow = call.inOverflowStore();
    cleanup = intake.settled().transform(ar -> cleanupSteps.disconnect(identity.userId(), connId, inCall, lost, overflow, replaced))
        .onSuccess(v -> LOG.debug("disconnected user={} conn={} lost={}", identity.userId(), connId, lost))
        .onFailure(err -> LOG.warn("cleanup failed user={} conn={}: {}", identity.userId(), connId, err.toString()));
  }
}
