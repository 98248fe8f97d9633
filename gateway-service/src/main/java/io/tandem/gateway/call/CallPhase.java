package io.tandem.gateway.call;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a socket's call is. The allowed changes are listed in one table. A socket whose call
 * survived its previous socket (resume) goes from IDLE straight to IN_CALL; the other side of such
 * a call stays IN_CALL with its stranger marked away ({@link CallState#peerAway()}) meanwhile.
 */
public enum CallPhase {
  /** Not searching, no call yet (or a join was given up); a call kept from a lost socket may be resumed. */
  IDLE,
  /** Searching: a join was sent (maybe not answered yet) and no match taken. */
  QUEUED,
  /** Matched ({@code matched} was sent) or resumed ({@code resumed} was sent): relays flow. */
  IN_CALL,
  /** The last call ended (by either side); like idle, and its stranger can still be reported. */
  ENDED,
  /** The socket closed: nothing is taken any more. */
  CLOSED;

  private static final Map<CallPhase, Set<CallPhase>> NEXT = new EnumMap<>(CallPhase.class);

  static {
    NEXT.put(IDLE, EnumSet.of(QUEUED, IN_CALL, CLOSED));
    NEXT.put(QUEUED, EnumSet.of(QUEUED, IDLE, IN_CALL, CLOSED));
    NEXT.put(IN_CALL, EnumSet.of(ENDED, CLOSED));
    NEXT.put(ENDED, EnumSet.of(QUEUED, IN_CALL, CLOSED));
    NEXT.put(CLOSED, EnumSet.noneOf(CallPhase.class));
  }

  /** Whether this phase may change to {@code next}. */
  public boolean canGo(CallPhase next) {
    return NEXT.get(this).contains(next);
  }
}
