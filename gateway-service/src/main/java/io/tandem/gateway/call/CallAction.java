package io.tandem.gateway.call;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.MatchInfo;

/**
 * One thing {@link CallState} decided should happen. The state machine does no I/O: every action is
 * carried out in one place, {@code io.tandem.gateway.steps.ActionInterpreter}.
 *
 * @param kind what to do
 * @param match the call, for {@link Kind#SEND_MATCHED}, {@link Kind#SEND_RESUMED}, {@link Kind#REQUEST_END} and {@link Kind#TELL_PEER_LEFT}
 * @param frame an encoded frame, for {@link Kind#SEND}
 * @param session the session, for {@link Kind#END_KEPT} and {@link Kind#REQUEST_RESUME} (and what a {@link Kind#SEND} is logged with)
 * @param note for {@link Kind#SEND}: the debug line it is logged with (null: none)
 * @param error the failure, for {@link Kind#FAIL}
 */
public record CallAction(Kind kind, MatchInfo match, String frame, String session, String note, TandemException error) {
  /** The kinds of action. */
  public enum Kind {
    /** End the call kept from the user's lost socket ({@link #session()}) before searching; its peer hears {@code left}. */
    END_KEPT,
    /** Ask the matchmaker to queue (or match) the user with {@link CallState#interests()}; its reply goes back to the state. */
    REQUEST_JOIN,
    /** Tell the matchmaker the user left the queue. */
    REQUEST_LEAVE,
    /** Write {@code queued} (no counts: the user was matched at once). */
    SEND_QUEUED,
    /**
     * Fetch the presence counts and write {@code queued} with them if the user is still searching then; a search
     * waiting in the user's own partition is watched too: past the overflow delay it moves ({@link CallState#overflowDue}).
     */
    SEND_QUEUED_STATS,
    /** Write {@code matched} for {@link #match()} (ICE servers added by the interpreter). */
    SEND_MATCHED,
    /** Write {@link #frame()} as is. */
    SEND,
    /** Answer the matchmaker's match delivery: taken. */
    ACCEPT_MATCH,
    /** Answer the matchmaker's match delivery: refused (it undoes the match). */
    REFUSE_MATCH,
    /** Search again with the same interests, as the socket's next ordered step (the server's one join retry). */
    REJOIN,
    /** Give the join up in the store (leave the queue, undo a session the socket never heard of); the result goes back to the state. */
    ABANDON,
    /** Ask the store for the kept call {@link #session()}; its answer goes back to the state. */
    REQUEST_RESUME,
    /** Write {@code resumed} for {@link #match()}. */
    SEND_RESUMED,
    /** Ask the store to end {@link #match()}; its answer goes back to the state. */
    REQUEST_END,
    /** Tell the peer of {@link #match()} that the call is over ({@code left}): the store could not. */
    TELL_PEER_LEFT,
    /** Fail the step with {@link #error()} (the client hears an error). */
    FAIL,
    /** Take the user out of its own partition's queue; whether it was still there goes back to the state ({@link CallState#movedOut}). */
    MOVE_OUT,
    /** Register the socket in the overflow partition if it is not yet, then join there, fenced ({@link CallState#fence()}). */
    JOIN_OVERFLOW
  }

  public static final CallAction REQUEST_JOIN = of(Kind.REQUEST_JOIN);
  public static final CallAction REQUEST_LEAVE = of(Kind.REQUEST_LEAVE);
  public static final CallAction SEND_QUEUED = of(Kind.SEND_QUEUED);
  public static final CallAction SEND_QUEUED_STATS = of(Kind.SEND_QUEUED_STATS);
  public static final CallAction ACCEPT_MATCH = of(Kind.ACCEPT_MATCH);
  public static final CallAction REFUSE_MATCH = of(Kind.REFUSE_MATCH);
  public static final CallAction REJOIN = of(Kind.REJOIN);
  public static final CallAction ABANDON = of(Kind.ABANDON);
  public static final CallAction MOVE_OUT = of(Kind.MOVE_OUT);
  public static final CallAction JOIN_OVERFLOW = of(Kind.JOIN_OVERFLOW);

  private static CallAction of(Kind kind) {
    return new CallAction(kind, null, null, null, null, null);
  }

  private static CallAction about(Kind kind, MatchInfo m) {
    return new CallAction(kind, m, null, null, null, null);
  }

  public static CallAction matched(MatchInfo m) {
    return about(Kind.SEND_MATCHED, m);
  }

  public static CallAction resumed(MatchInfo m) {
    return about(Kind.SEND_RESUMED, m);
  }

  public static CallAction requestEnd(MatchInfo m) {
    return about(Kind.REQUEST_END, m);
  }

  public static CallAction tellPeerLeft(MatchInfo m) {
    return about(Kind.TELL_PEER_LEFT, m);
  }

  public static CallAction endKept(String sessionId) {
    return new CallAction(Kind.END_KEPT, null, null, sessionId, null, null);
  }

  public static CallAction requestResume(String sessionId) {
    return new CallAction(Kind.REQUEST_RESUME, null, null, sessionId, null, null);
  }

  public static CallAction send(String frame) {
    return new CallAction(Kind.SEND, null, frame, null, null, null);
  }

  /** A frame written with a debug line "{@code note} user=… session=…". */
  public static CallAction send(String frame, String sessionId, String note) {
    return new CallAction(Kind.SEND, null, frame, sessionId, note, null);
  }

  public static CallAction fail(TandemException error) {
    return new CallAction(Kind.FAIL, null, null, null, null, error);
  }

  public static CallAction fail(ErrorCode code) {
    return fail(new TandemException(code));
  }
}
