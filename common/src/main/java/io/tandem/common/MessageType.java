package io.tandem.common;

import java.util.HashMap;
import java.util.Map;

/** The {@code type} of every WebSocket frame, in both directions (docs/protocol.md). */
public enum MessageType {
  // client -> server
  /** Wait for a stranger; answered by QUEUED then MATCHED. */
  JOIN_QUEUE("join-queue", true),
  /** Stop waiting. */
  LEAVE_QUEUE("leave-queue", true),
  /** WebRTC offer for the peer. */
  SEND_OFFER("send-offer", true),
  /** WebRTC answer for the peer. */
  SEND_ANSWER("send-answer", true),
  /** Trickled ICE candidate for the peer. */
  SEND_CANDIDATE("send-candidate", true),
  /** Chat text for the peer. */
  SEND_MESSAGE("send-message", true),
  /** End the current call. */
  END_CALL("end-call", true),
  /** Report the current or last peer. */
  REPORT("report", true),
  /** Replace the socket's access token before it expires. */
  REFRESH_TOKEN("refresh-token", true),
  /** First frame of a new socket whose call survived the old one: take the call back. */
  RESUME("resume", true),

  // server -> client
  /** Acknowledgement of JOIN_QUEUE, with presence counts. */
  QUEUED("queued", false),
  /** A stranger was found. */
  MATCHED("matched", false),
  /** Relayed WebRTC offer. */
  OFFER("offer", false),
  /** Relayed WebRTC answer. */
  ANSWER("answer", false),
  /** Relayed ICE candidate. */
  CANDIDATE("candidate", false),
  /** Relayed chat text (to both sides). */
  MESSAGE("message", false),
  /** The peer left or vanished. */
  PEER_DISCONNECTED("peer-disconnected", false),
  /** Acknowledgement of END_CALL. */
  CALL_ENDED("call-ended", false),
  /** Presence counts while searching. */
  STATS("stats", false),
  /** Acknowledgement of REPORT. */
  REPORTED("reported", false),
  /** Acknowledgement of REFRESH_TOKEN. */
  TOKEN_REFRESHED("token-refreshed", false),
  /** A frame was refused; the socket stays usable. */
  /** The call continues on this socket after a resume. */
  RESUMED("resumed", false),
  /** The stranger's socket dropped; the call waits for them (grace window). */
  PEER_RECONNECTING("peer-reconnecting", false),
  /** The stranger is back on the call. */
  PEER_RESUMED("peer-resumed", false),
  ERROR("error", false);

  /** The name on the wire. */
  public final String wire;
  /** True for client-to-server types. */
  public final boolean fromClient;

  MessageType(String wire, boolean fromClient) {
    this.wire = wire;
    this.fromClient = fromClient;
  }

  private static final Map<String, MessageType> CLIENT_TYPES = new HashMap<>();

  static {
    for (MessageType t : values()) {
      if (t.fromClient) CLIENT_TYPES.put(t.wire, t);
    }
  }

  /** The client-to-server type with this wire name, or null. */
  public static MessageType clientType(String wire) {
    return wire == null ? null : CLIENT_TYPES.get(wire);
  }
}
