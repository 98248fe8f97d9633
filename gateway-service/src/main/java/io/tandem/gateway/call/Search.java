package io.tandem.gateway.call;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import io.tandem.common.msg.Wishes;

/**
 * A socket's search: the interests and languages of its last join-queue, whether a join waits for its reply, why
 * the last one failed, the one retry a ghost session earns, and the session undone before its match
 * reached this socket (such a match is refused).
 */
final class Search {
  private Wishes wishes = Wishes.NONE;
  private boolean joining;
  private TandemException failure;
  private boolean ghostRetried;
  private String undone;
  /** A call kept in grace from the user's lost socket, which this socket may resume (or must end before searching). */
  private String kept;
  /** Counts the searches: an overflow watch set during an earlier one does nothing. */
  private long searchNo;
  /** Where the search waits: the user's own partition (false) or the region's overflow (true). */
  private boolean inOverflow;
  /** This socket's moves to the overflow so far: the fence of its joins there. */
  private long moves;
  /** The join in flight is a move's (its answer writes no {@code queued}: the client already has one). */
  private boolean moving;

  /** A search begins from no search (a call, idle): in the user's own partition. */
  void fresh() {
    searchNo++;
    inOverflow = false;
  }

  /** The search moves to the overflow: a new fence, and a move's join in flight. */
  void toOverflow() {
    inOverflow = true;
    moves++;
    moving = true;
    joining = true;
  }

  long searchNo() {
    return searchNo;
  }

  boolean inOverflow() {
    return inOverflow;
  }

  /** The fence of this socket's joins, leave and abandon in the overflow. */
  long fence() {
    return moves;
  }

  /** Whether the join just answered was a move's (and forgets it). */
  boolean takeMoving() {
    boolean m = moving;
    moving = false;
    return m;
  }

  /** A join-queue from the client: a new search (its retry allowance too); returns the kept call to end first, or null. */
  String start(Wishes wanted) {
    wishes = wanted;
    joining = true;
    moving = false;
    ghostRetried = false;
    String end = kept;
    kept = null;
    return end;
  }

  /** The call this socket may resume (null: none any more). */
  void keep(String sessionId) {
    kept = sessionId;
  }

  /** The same search asked again (the server's retry). */
  void again() {
    joining = true;
    moving = false;
  }

  /** The join's reply came (or never will); {@code why} is its failure, or null. */
  void answered(TandemException why) {
    joining = false;
    failure = why;
  }

  /** Why the last join failed (INTERNAL when nothing is known), forgotten once read. */
  TandemException takeFailure() {
    TandemException f = failure != null ? failure : new TandemException(ErrorCode.INTERNAL);
    failure = null;
    return f;
  }

  /** The store undid {@code sessionId} before its match reached this socket (null: none). */
  void undone(String sessionId) {
    if (sessionId != null) undone = sessionId;
  }

  /** Whether a match for {@code sessionId} must be refused (it was undone already). */
  boolean wasUndone(String sessionId) {
    return sessionId.equals(undone);
  }

  /** Whether an in-session refusal caused by the ghost {@code ghost} is retried: once per join-queue. */
  boolean retriesGhost(TandemException why, String ghost) {
    if (why == null || why.code() != ErrorCode.IN_SESSION || ghost == null || ghostRetried) return false;
    ghostRetried = true;
    return true;
  }

  Wishes wishes() {
    return wishes;
  }

  boolean joining() {
    return joining;
  }
}
