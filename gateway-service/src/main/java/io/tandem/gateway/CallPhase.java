package io.tandem.gateway;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a socket's call is. The allowed changes are listed in one table, so a new phase (resume's
 * "reconnecting") is one row here plus the {@link CallState} events that enter and leave it.
 */
public enum CallPhase {
  /** Not searching, no call yet (or a join was given up). */
  IDLE,
  /** Searching: a join was sent (maybe not answered yet) and no match taken. */
  QUEUED,
  /** Matched: {@code matched} was sent, relays flow. */
  IN_CALL,
  /** The last call ended (by either side); like idle, and its stranger can still be reported. */
  ENDED,
  /** The socket closed: nothing is taken any more. */
  CLOSED;

  private static final Map<CallPhase, Set<CallPhase>> NEXT = new EnumMap<>(CallPhase.class);

  static {
    NEXT.put(IDLE, EnumSet.of(QUEUED, CLOSED));
    NEXT.put(QUEUED, EnumSet.of(QUEUED, IDLE, IN_CALL, CLOSED));
    NEXT.put(IN_CALL, EnumSet.of(ENDED, CLOSED));
    NEXT.put(ENDED, EnumSet.of(QUEUED, CLOSED));
    NEXT.put(CLOSED, EnumSet.noneOf(CallPhase.class));
  }

  /** Whether this phase may change to {@code next}. */
  public boolean canGo(CallPhase next) {
    return NEXT.get(this).contains(next);
  }
}
