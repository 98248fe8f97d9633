package io.tandem.gateway.protocol;

/** WebSocket close codes the gateway uses (docs/protocol.md). */
public final class CloseCodes {
  /** A newer socket of the same user replaced this one. */
  public static final short REPLACED = 4000;
  /** The access token expired and was not refreshed. */
  public static final short TOKEN_EXPIRED = 4001;
  /** The gateway is restarting; reconnect. */
  public static final short RESTART = 1012;
  /** Policy violation (sustained abuse, or the device or network was blocked). */
  public static final short POLICY = 1008;
  /** A message over the hard limit (RFC 6455: message too big). */
  public static final short TOO_BIG = 1009;
  /** No close frame: the connection was lost (RFC 6455 1006; never sent on the wire). */
  public static final short ABNORMAL = 1006;
  /** The admitted handshake's state was lost before the socket opened. */
  public static final short HANDSHAKE_LOST = 1011;

  private CloseCodes() {}

  /** Whether a close by this node leaves the socket's call resumable (the person did not mean to end it). */
  public static boolean resumable(short code) {
    return code == RESTART || code == TOKEN_EXPIRED;
  }
}
