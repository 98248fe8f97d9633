package io.tandem.common.store;

import io.tandem.common.msg.UserRef;
import io.tandem.common.msg.Wishes;
import io.vertx.core.Future;
import java.util.List;

/**
 * The call state every service shares: who is connected where, who waits, who is in which call,
 * which gateway nodes are alive. Every method is one atomic step, so any number of gateways and
 * matchmakers may call it concurrently without double matches or lost users. Users are named by
 * {@link UserRef} (token subject, socket id, gateway node); a step for a socket that is no longer
 * the user's registered one does nothing (or is refused, see below). Two implementations answer
 * alike: {@link RedisCallStore} (Lua scripts, production) and {@link MemoryCallStore} (unit tests).
 *
 * <p><b>How a step answers</b> (the same for every method):
 * <ul>
 *   <li>An expected outcome is a <b>value</b>: a record, {@link JoinOutcome}, an
 *       {@link EndResult.Status}. "Nothing to tell" (no call ended, no node dead) is {@code null}
 *       where a method's doc says so, never an outcome the caller must act on.
 *   <li>A step that <b>gives the user something</b> — a place in the queue or a partner
 *       ({@link #join}), a call back ({@link #resume}) — fails with a {@link io.tandem.common.TandemException}
 *       carrying the refusal the client must hear, and only these: {@code GONE} (the socket is not
 *       the registered one), {@code IN_SESSION} (join: the user is in a call),
 *       {@code SESSION_GONE} (resume: the call is over).
 *   <li>A step that <b>takes something away</b> — disconnect, suspend, leave, end call, abandon,
 *       confirm, abort, remove node — succeeds whether or not there was anything to take (running
 *       it late or twice is harmless) and says what it found as a value ({@link #endCall}'s
 *       {@code GONE} and {@code NOT_IN_SESSION} are statuses: the client's call is over either way).
 *   <li><b>Store trouble</b> (Redis down, slow, failing over, refusing a write) fails with
 *       {@code TandemException(UNAVAILABLE)}; the step may still run later, and each is written so
 *       that running it late is harmless.
 *   <li>A call that breaks a method's stated limit ({@link #CONFIRM_BATCH_MAX}) fails with
 *       {@link IllegalArgumentException}: a bug in the caller, not an outcome.
 * </ul>
 * Every answer, failures included, comes through the returned future.
 */
public interface CallStore {

  /**
   * Registers a socket. A previous socket of the same user (on any node) is replaced: its queue
   * entry is removed, and its live call waits {@code graceMs} in the grace window (the old socket
   * may simply not have noticed its loss yet) — or ends when it was not live. Succeeds whether or
   * not there was one; the result says which socket to close, which peer to tell, and which call
   * (in grace) this socket may take back with {@link #resume}.
   */
  Future<Connected> connect(UserRef user, String name, String deviceHash, long graceMs);

  /**
   * Forgets a socket closed on purpose: leaves the queue, ends its call (also one waiting in grace
   * for this socket's resume). Succeeds and does nothing when a newer socket replaced it or it was
   * never registered; the result is the call that ended, or null.
   */
  Future<EndedCall> disconnect(UserRef user);

  /**
   * Forgets a socket lost without meaning to. In a live call, the call waits {@code graceMs} for the
   * user to resume it (a user already in grace keeps its earlier deadline); the user is neither
   * matched nor reaped meanwhile. Otherwise the same as {@link #disconnect}. Does nothing for a
   * socket that is not the registered one.
   */
  Future<Lost> suspend(UserRef user, long graceMs);

  /**
   * resume: the user's (new, registered) socket takes back its call {@code sessionId}. Fails with
   * SESSION_GONE when the user is not in that live session (it ended, expired, or is someone else's),
   * GONE when the socket is not registered. Resuming a call that is not in grace succeeds too.
   */
  Future<Resumed> resume(UserRef user, String sessionId);

  /**
   * Ends at most {@code batch} calls whose grace window passed without a resume; each with the peer
   * to tell (reason timeout). Nothing expires while the store recovers from a stall longer than
   * {@code nodeTtlMs} (nobody could resume then).
   */
  Future<List<EndedCall>> expireGrace(long nodeTtlMs, int batch);

  /**
   * Queues the user ({@link JoinOutcome#QUEUED}), or pairs them at once with the oldest compatible
   * waiting user, who becomes the caller ({@link JoinOutcome.Paired}); the new session is pending
   * until {@link #confirm}. A repeated join keeps the place in the queue (with the new wishes). Before
   * {@link MatchRules#relaxMs} only a user who shares a language (when both stated some) and an interest (as
   * {@code docs/matching.md} says) is compatible.
   * Fails with GONE when the socket is not the registered one, IN_SESSION when the user is in a
   * call (pending or not). Waiting users whose socket is gone are removed on the way; those whose
   * gateway looks dead are skipped, not removed.
   */
  default Future<JoinOutcome> join(UserRef user, Wishes wishes, MatchRules rules) {
    return join(user, wishes, rules, 0);
  }

  /**
   * {@link #join(UserRef, Wishes, MatchRules)} fenced by {@code fence} (&gt; 0; 0 = not fenced): refused
   * with GONE when a {@link #leave(UserRef, long)} or {@link #abandon(UserRef, long)} with this fence
   * or a later one already ran for the user, so a join that arrives late (after its socket gave the
   * search in this partition up) never puts the user back in the queue. The gateway fences its joins
   * in the overflow partition with the socket's move count (docs/scaling.md, "The overflow").
   */
  Future<JoinOutcome> join(UserRef user, Wishes wishes, MatchRules rules, long fence);

  /** {@link #join(UserRef, Wishes, MatchRules)} with interests and no language. */
  default Future<JoinOutcome> join(UserRef user, List<String> interests, MatchRules rules) {
    return join(user, Wishes.interests(interests), rules);
  }

  /** Removes the socket's queue entry; succeeds whether or not it was waiting (the result says whether it was). */
  default Future<Boolean> leave(UserRef user) {
    return leave(user, 0);
  }

  /** {@link #leave(UserRef)}, also fencing off the user's joins with {@code fence} or an earlier one (0: none; see the fenced join). */
  Future<Boolean> leave(UserRef user, long fence);

  /**
   * Ends the user's current session {@code sessionId} (remembered for the rematch cooldown).
   * Result: ENDED (the peer to tell is in it), NOT_IN_SESSION (the store has no such session for the
   * user: it ended already, or expired) or GONE (the socket is not registered).
   */
  Future<EndResult> endCall(UserRef user, String sessionId);

  /**
   * A gateway gave up on a join: the user leaves the queue, and a session the socket never heard
   * of is undone (no cooldown). Succeeds whether or not there was either; the result is the undone
   * session and the peer to tell, or null. Does nothing for a socket that is not registered.
   */
  default Future<EndedCall> abandon(UserRef user) {
    return abandon(user, 0);
  }

  /** {@link #abandon(UserRef)}, also fencing off the user's joins with {@code fence} or an earlier one (0: none; see the fenced join). */
  Future<EndedCall> abandon(UserRef user, long fence);

  /** A new id for a session this store makes (the overflow partition's begin with {@code MatchPartitions.OVERFLOW_SESSION_PREFIX}). */
  default String newSessionId() {
    return io.tandem.common.Ids.session();
  }

  /** Marks a pending match as delivered; succeeds whether or not it was still pending or still exists. */
  default Future<Void> confirm(String sessionId) {
    return confirmAll(java.util.List.of(sessionId));
  }

  /**
   * {@link #confirm} for several matches in one round trip; more than {@link #CONFIRM_BATCH_MAX}
   * fail with IllegalArgumentException (nothing confirmed).
   */
  Future<Void> confirmAll(java.util.List<String> sessionIds);

  /** Most matches one {@link #confirmAll} call confirms (the script's ARGV). */
  int CONFIRM_BATCH_MAX = 500;

  /** Undoes a match that could not be delivered (no cooldown); succeeds if it no longer exists (then nobody to tell). */
  Future<Undone> abort(String sessionId);

  /** Undoes at most {@code batch} matches still pending {@code confirmMs} after pairing; each with both users to tell. */
  Future<List<Undone>> expirePending(long confirmMs, int batch);

  /**
   * Backup pairing of live waiting users, oldest first (at most {@code sessionIds.size()} pairs);
   * stale entries are removed. Never fails for an empty queue.
   */
  Future<Sweep> sweepPairs(MatchRules rules, List<String> sessionIds);

  /**
   * Cleans one batch of one dead gateway node (heartbeat older than {@code nodeTtlMs}); null when
   * no node is dead. Its users in a live call are not removed: the call waits {@code graceMs} for
   * them to resume elsewhere. When the store itself stalled (no reap step ran for longer than the
   * ttl), nobody is reaped until every node had a full ttl to beat again.
   */
  Future<Reaped> reapDeadNode(long nodeTtlMs, int batch, long graceMs);

  /** A node's heartbeat; false when the node had been reaped as dead meanwhile (its sockets are unknown to the store). */
  Future<Boolean> heartbeat(String node, boolean first);

  /** Removes a node from the live set (clean stop); succeeds whether or not it was there. */
  Future<Void> removeNode(String node);

  /** Presence counts: users with an open socket, users waiting. */
  Future<Stats> stats();
}
