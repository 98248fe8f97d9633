package io.tandem.gateway.socket;

import io.tandem.gateway.protocol.CloseCodes;

import io.tandem.gateway.protocol.ClientFrame;
import io.tandem.gateway.protocol.ServerFrames;
import io.tandem.gateway.steps.ClientLink;
import io.tandem.gateway.steps.FrameDispatcher;

import io.tandem.common.ErrorCode;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket's incoming frames. Every frame is parsed and charged to the socket's budget at once,
 * junk included (a flood of bad frames costs budget like any other and ends in a 1008 close).
 * Relays are forwarded at once (they touch no store, so they never wait behind an unrelated step);
 * chat runs in its own queue (a slow chat-service holds back only chat); the rest runs in order,
 * one step at a time, each after the previous one finished.
 */
public final class FrameIntake {
  private static final Logger LOG = LoggerFactory.getLogger(FrameIntake.class);
  /** Frames waiting to be handled before new ones are refused with {@code rate-limited}. */
  static final int MAX_PENDING_FRAMES = 128;

  /** Closes the socket. */
  interface Closer {
    void close(short code, String reason);
  }

  private final ClientLink link;
  private final FrameDispatcher dispatcher;
  private final int maxFrameBytes;
  private final BooleanSupplier closed;
  private final Closer closer;
  private final FrameBudget budget = new FrameBudget();
  private Future<Void> tail = Future.succeededFuture();
  private Future<Void> chatTail = Future.succeededFuture();
  private int pending;

  FrameIntake(ClientLink link, FrameDispatcher dispatcher, int maxFrameBytes, BooleanSupplier closed, Closer closer) {
    this.link = link;
    this.dispatcher = dispatcher;
    this.maxFrameBytes = maxFrameBytes;
    this.closed = closed;
    this.closer = closer;
  }

  /** Ordered steps wait for {@code first} (the socket's registration in the store). */
  void after(Future<Void> first) {
    tail = first;
  }

  void onText(String text) {
    if (closed.getAsBoolean()) return;
    ClientFrame frame;
    try {
      frame = ClientFrame.parse(text, maxFrameBytes);
    } catch (TandemException e) {
      if (charge(null)) link.send(ServerFrames.error(e, null));
      return;
    }
    if (!charge(frame.type())) return;
    switch (frame.type()) {
      case SEND_OFFER, SEND_ANSWER, SEND_CANDIDATE ->
          dispatcher.dispatch(link, frame).onFailure(err -> link.send(ServerFrames.error(err, frame.type())));
      case SEND_MESSAGE -> chatTail = enqueue(chatTail, frame);
      default -> tail = enqueue(tail, frame);
    }
  }

  /** A binary message: not part of the protocol (charged like junk). */
  void onBinary() {
    if (charge(null)) link.send(ServerFrames.error(new TandemException(ErrorCode.INVALID_JSON, "Binary frames are not accepted"), null));
  }

  /** Runs a step in order with the frames (never refused: the socket's own follow-ups). */
  void inOrder(Supplier<Future<Void>> step) {
    pending++;
    tail = tail.transform(ar -> step.get()).andThen(ar -> pending--);
  }

  /** Completes when the ordered steps queued so far have finished. */
  Future<Void> settled() {
    return tail;
  }

  /** Takes budget for a frame (null = unparseable); false when refused (answered, or the socket closed). */
  private boolean charge(MessageType type) {
    if (budget.take(type, System.nanoTime())) return true;
    if (budget.abusive()) {
      LOG.info("closing abusive socket user={} conn={}", link.identity().userId(), link.connId());
      closer.close(CloseCodes.POLICY, "rate limit exceeded");
    } else if (type != null) {
      link.send(ServerFrames.error(new TandemException(ErrorCode.RATE_LIMITED, "Too many " + type.wire + " messages, slow down"), type));
    } else {
      link.send(ServerFrames.error(new TandemException(ErrorCode.RATE_LIMITED, "Too many invalid frames, slow down"), null));
    }
    return false;
  }

  private Future<Void> enqueue(Future<Void> queue, ClientFrame frame) {
    if (pending >= MAX_PENDING_FRAMES) {
      link.send(ServerFrames.error(new TandemException(ErrorCode.RATE_LIMITED, "Too many frames in flight"), frame.type()));
      return queue;
    }
    pending++;
    return queue.transform(ar -> handle(frame)).andThen(ar -> pending--);
  }

  private Future<Void> handle(ClientFrame frame) {
    if (closed.getAsBoolean()) return Future.succeededFuture();
    return dispatcher.dispatch(link, frame).recover(err -> {
      link.send(ServerFrames.error(err, frame.type()));
      return Future.succeededFuture();
    });
  }
}
