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

  /** The buckets, by index: signaling, queue, chat, other, invalid. */
  private static final int SIGNALING = 0;
  private static final int QUEUE = 1;
  private static final int CHAT = 2;
  private static final int OTHER = 3;
  private static final int INVALID = 4;
  private static final double[] CAPACITY = {SIGNALING_BURST, QUEUE_BURST, CHAT_BURST, OTHER_BURST, INVALID_BURST};
  private static final double[] PER_NANO = {SIGNALING_PER_SECOND / 1e9, QUEUE_PER_SECOND / 1e9, CHAT_PER_SECOND / 1e9,
      OTHER_PER_SECOND / 1e9, INVALID_PER_SECOND / 1e9};

  // One token bucket per kind, kept as two small arrays rather than an object per bucket: every idle
  // socket holds one budget (136 bytes less per socket than five bucket objects).
  /** Tokens left in each bucket. */
  private final double[] tokens = CAPACITY.clone();
  /** When each bucket was last refilled (nanos; {@link Long#MIN_VALUE}: never). */
  private final long[] last = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
  private long windowStart;
  private int refusals;

  /** Takes one token for this frame type (null: a frame that could not be parsed); false when over budget. */
  public boolean take(MessageType type, long nowNanos) {
    int b = type == null ? INVALID : switch (type) {
      case SEND_OFFER, SEND_ANSWER, SEND_CANDIDATE -> SIGNALING;
      case JOIN_QUEUE, LEAVE_QUEUE -> QUEUE;
      case SEND_MESSAGE -> CHAT;
      default -> OTHER;
    };
    if (take(b, nowNanos)) return true;
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

  /** Refills bucket {@code b} for the time since its last take, then takes a token if there is one. */
  private boolean take(int b, long now) {
    if (last[b] != Long.MIN_VALUE) tokens[b] = Math.min(CAPACITY[b], tokens[b] + (now - last[b]) * PER_NANO[b]);
    last[b] = now;
    if (tokens[b] < 1) return false;
    tokens[b] -= 1;
    return true;
  }
}
