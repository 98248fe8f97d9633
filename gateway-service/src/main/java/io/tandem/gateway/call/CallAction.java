package io.tandem.gateway.call;

import io.tandem.common.ErrorCode;
import io.tandem.common.msg.MatchInfo;

/**
 * One thing {@link CallState} decided should happen; the socket's handlers carry it out (the state
 * machine itself does no I/O).
 *
 * @param kind what to do
 * @param match the match, for {@link Kind#SEND_MATCHED}
 * @param frame an encoded frame, for {@link Kind#SEND}
 * @param error the code, for {@link Kind#FAIL} (null: fail with the step's own error)
 */
public record CallAction(Kind kind, MatchInfo match, String frame, ErrorCode error) {
  /** The kinds of action. */
  public enum Kind {
    /** Ask the matchmaker to queue (or match) the user with {@link CallState#interests()}. */
    REQUEST_JOIN,
    /** Tell the matchmaker the user left the queue. */
    REQUEST_LEAVE,
    /** Write {@code queued} (no counts: the user was matched at once). */
    SEND_QUEUED,
    /** Fetch the presence counts and write {@code queued} with them if the user is still searching then. */
    SEND_QUEUED_STATS,
    /** Write {@code matched} for {@link #match()} (ICE servers added by the handler). */
    SEND_MATCHED,
    /** Write {@link #frame()} as is. */
    SEND,
    /** Answer the matchmaker's match delivery: taken. */
    ACCEPT_MATCH,
    /** Answer the matchmaker's match delivery: refused (it undoes the match). */
    REFUSE_MATCH,
    /** Search again with the same interests. */
    REJOIN,
    /** Give the join up in the store (leave the queue, undo a session the socket never heard of). */
    ABANDON,
    /** Fail the step (the client hears an error). */
    FAIL
  }

  public static final CallAction REQUEST_JOIN = new CallAction(Kind.REQUEST_JOIN, null, null, null);
  public static final CallAction REQUEST_LEAVE = new CallAction(Kind.REQUEST_LEAVE, null, null, null);
  public static final CallAction SEND_QUEUED = new CallAction(Kind.SEND_QUEUED, null, null, null);
  public static final CallAction SEND_QUEUED_STATS = new CallAction(Kind.SEND_QUEUED_STATS, null, null, null);
  public static final CallAction ACCEPT_MATCH = new CallAction(Kind.ACCEPT_MATCH, null, null, null);
  public static final CallAction REFUSE_MATCH = new CallAction(Kind.REFUSE_MATCH, null, null, null);
  public static final CallAction REJOIN = new CallAction(Kind.REJOIN, null, null, null);
  public static final CallAction ABANDON = new CallAction(Kind.ABANDON, null, null, null);
  /** Fail with the step's own error. */
  public static final CallAction FAIL = new CallAction(Kind.FAIL, null, null, null);

  public static CallAction matched(MatchInfo m) {
    return new CallAction(Kind.SEND_MATCHED, m, null, null);
  }

  public static CallAction send(String frame) {
    return new CallAction(Kind.SEND, null, frame, null);
  }

  public static CallAction fail(ErrorCode code) {
    return new CallAction(Kind.FAIL, null, null, code);
  }
}
