package io.tandem.common.store;

/** The answer of {@link CallStore#endCall}: its status, and the call (with the peer to tell) when it ended. */
public record EndResult(Status status, EndedCall ended) {
  /** What end-call found. */
  public enum Status { ENDED, NOT_IN_SESSION, GONE }
}
