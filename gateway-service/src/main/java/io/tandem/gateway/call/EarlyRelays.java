package io.tandem.gateway.call;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Relayed frames that reached a socket before its own match (the peer's match arrived first and it
 * is already signaling), kept in order until the match comes, bounded in number and in age.
 */
public final class EarlyRelays {
  /** Frames kept at most; the oldest is dropped first. */
  static final int MAX = 64;
  /** How long a frame is kept, ms. */
  static final long MAX_AGE_MS = 5000;

  /** One frame, encoded, with the session it belongs to and when it arrived (ms). */
  record EarlyRelay(String sessionId, String frame, long receivedAt) {}

  private final int max;
  private final long maxAgeMs;
  private final ArrayDeque<EarlyRelay> frames = new ArrayDeque<>();

  EarlyRelays() {
    this(MAX, MAX_AGE_MS);
  }

  EarlyRelays(int max, long maxAgeMs) {
    if (max < 1 || maxAgeMs < 0) throw new IllegalArgumentException("max must be >= 1 and maxAgeMs >= 0");
    this.max = max;
    this.maxAgeMs = maxAgeMs;
  }

  /** Keeps a frame (dropping ones that are too old, then the oldest one if full). */
  void add(String sessionId, String frame, long now) {
    frames.removeIf(e -> now - e.receivedAt() > maxAgeMs);
    if (frames.size() >= max) frames.pollFirst();
    frames.addLast(new EarlyRelay(sessionId, frame, now));
  }

  /** The session's frames still young enough, in arrival order; everything kept is forgotten. */
  List<String> take(String sessionId, long now) {
    List<String> out = new ArrayList<>();
    for (EarlyRelay e : frames) {
      if (e.sessionId().equals(sessionId) && now - e.receivedAt() <= maxAgeMs) out.add(e.frame());
    }
    frames.clear();
    return out;
  }

  /** Forgets a session's frames (the session ended before its match arrived). */
  void drop(String sessionId) {
    frames.removeIf(e -> e.sessionId().equals(sessionId));
  }

  void clear() {
    frames.clear();
  }

  int size() {
    return frames.size();
  }
}
