package io.tandem.gateway.socket;

import io.tandem.common.MessageType;

/**
 * A socket's message budget, one token bucket per kind of frame, kept in memory (a socket lives on
 * one node). Signaling is generous enough for a burst of ICE candidates; joining about one per
 * second; chat a few per second. Sustained refusals mark the socket as abusive.
 */
public final class FrameBudget {
  /** Signaling (offer, answer, candidates): burst and refill per second. */
  public static final int SIGNALING_BURST = 200;
  public static final double SIGNALING_PER_SECOND = 50;
  /** join-queue / leave-queue. */
  public static final int QUEUE_BURST = 3;
  public static final double QUEUE_PER_SECOND = 1;
  /** Chat messages. */
  public static final int CHAT_BURST = 5;
  public static final double CHAT_PER_SECOND = 2;
  /** Everything else (end-call, report, refresh-token). */
  public static final int OTHER_BURST = 10;
  public static final double OTHER_PER_SECOND = 2;
  /** Frames that cannot be parsed (bad JSON, unknown type, oversize): they cost budget too. */
  public static final int INVALID_BURST = 10;
  public static final double INVALID_PER_SECOND = 1;
  /** Refusals within {@link #ABUSE_WINDOW_NANOS} that close the socket with 1008. */
  public static final int ABUSE_REFUSALS = 50;
  public static final long ABUSE_WINDOW_NANOS = 10_000_000_000L;

  private final Bucket signaling = new Bucket(SIGNALING_BURST, SIGNALING_PER_SECOND);
  private final Bucket queue = new Bucket(QUEUE_BURST, QUEUE_PER_SECOND);
  private final Bucket chat = new Bucket(CHAT_BURST, CHAT_PER_SECOND);
  private final Bucket other = new Bucket(OTHER_BURST, OTHER_PER_SECOND);
  private final Bucket invalid = new Bucket(INVALID_BURST, INVALID_PER_SECOND);
  private long windowStart;
  private int refusals;

  /** Takes one token for this frame type (null: a frame that could not be parsed); false when over budget. */
  public boolean take(MessageType type, long nowNanos) {
    Bucket b = type == null ? invalid : switch (type) {
      case SEND_OFFER, SEND_ANSWER, SEND_CANDIDATE -> signaling;
      case JOIN_QUEUE, LEAVE_QUEUE -> queue;
      case SEND_MESSAGE -> chat;
      default -> other;
    };
    if (b.take(nowNanos)) return true;
    if (nowNanos - windowStart > ABUSE_WINDOW_NANOS) {
      windowStart = nowNanos;
      refusals = 0;
    }
    refusals++;
    return false;
  }

  /** True when refusals are sustained enough to close the socket. */
  public boolean abusive() {
    return refusals >= ABUSE_REFUSALS;
  }

  /** A token bucket. */
  static final class Bucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last = Long.MIN_VALUE;

    Bucket(int capacity, double perSecond) {
      this.capacity = capacity;
      this.perNano = perSecond / 1e9;
      this.tokens = capacity;
    }

    boolean take(long now) {
      if (last != Long.MIN_VALUE) tokens = Math.min(capacity, tokens + (now - last) * perNano);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    }
  }
}
