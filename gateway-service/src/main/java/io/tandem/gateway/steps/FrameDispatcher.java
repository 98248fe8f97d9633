package io.tandem.gateway.steps;

import io.tandem.gateway.protocol.ClientFrame;
import io.tandem.gateway.protocol.Payloads;

import io.tandem.common.ErrorCode;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Validates a parsed frame's data and hands it on: a frame that changes the call goes to the socket's
 * {@link io.tandem.gateway.call.CallState}, whose actions the {@link ActionInterpreter} carries out;
 * relays, chat, reports and token refreshes go to their handlers.
 */
public final class FrameDispatcher {
  private final ActionInterpreter actions;
  private final RelayFrames relay;
  private final CallControlFrames control;

  public FrameDispatcher(ActionInterpreter actions, RelayFrames relay, CallControlFrames control) {
    this.actions = actions;
    this.relay = relay;
    this.control = control;
  }

  /** Runs the frame's step; a validation error fails the returned future (never throws). */
  public Future<Void> dispatch(ClientLink c, ClientFrame f) {
    try {
      return route(c, f);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> route(ClientLink c, ClientFrame f) {
    JsonObject d = f.data();
    return switch (f.type()) {
      case JOIN_QUEUE -> actions.run(c, c.call().join(Payloads.wishes(d, c.identity().languages())));
      case LEAVE_QUEUE -> actions.run(c, c.call().leave());
      case SEND_OFFER -> relay.relay(c, d, MessageType.OFFER, "offer", Payloads.description(d, "offer", "offer"));
      case SEND_ANSWER -> relay.relay(c, d, MessageType.ANSWER, "answer", Payloads.description(d, "answer", "answer"));
      case SEND_CANDIDATE -> relay.relay(c, d, MessageType.CANDIDATE, "candidate", Payloads.candidate(d));
      case SEND_MESSAGE -> relay.chat(c, d);
      case END_CALL -> actions.run(c, c.call().endCall(Payloads.sessionId(d)));
      case REPORT -> control.report(c, Payloads.sessionId(d), Payloads.reportReason(d));
      case REFRESH_TOKEN -> control.refreshToken(c, Payloads.accessToken(d));
      case RESUME -> actions.run(c, c.call().resume(Payloads.sessionId(d)));
      default -> Future.failedFuture(new TandemException(ErrorCode.UNKNOWN_TYPE));
    };
  }
}
