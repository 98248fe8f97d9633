package io.tandem.bench.run;

import io.vertx.core.json.JsonObject;

/** Client-to-server frames of docs/protocol.md. */
public final class Frames {
  private Frames() {}

  public static String of(String type, JsonObject data) {
    return new JsonObject().put("type", type).put("data", data).encode();
  }

  /** {@code resume} of a call whose socket was lost. */
  public static String resume(String sessionId) {
    return of("resume", new JsonObject().put("sessionId", sessionId));
  }

  public static String join() {
    return "{\"type\":\"join-queue\",\"data\":{}}";
  }

  public static String offer(String sessionId, String sdp) {
    return of("send-offer", new JsonObject().put("sessionId", sessionId).put("offer", new JsonObject().put("type", "offer").put("sdp", sdp)));
  }

  public static String answer(String sessionId, String sdp) {
    return of("send-answer", new JsonObject().put("sessionId", sessionId).put("answer", new JsonObject().put("type", "answer").put("sdp", sdp)));
  }

  public static String candidate(String sessionId, String candidate) {
    return of("send-candidate", new JsonObject().put("sessionId", sessionId).put("candidate",
        new JsonObject().put("candidate", candidate).put("sdpMid", "0").put("sdpMLineIndex", 0)));
  }

  public static String message(String sessionId, String text) {
    return of("send-message", new JsonObject().put("sessionId", sessionId).put("message", text));
  }

  public static String endCall(String sessionId) {
    return of("end-call", new JsonObject().put("sessionId", sessionId));
  }

  /** A plausible SDP body of about the size a browser sends (~2.5 KB), tagged with {@code tag}. */
  public static String sdp(String tag) {
    StringBuilder b = new StringBuilder(2600);
    b.append("v=0\r\no=- ").append(tag).append(" 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n");
    for (String media : new String[] {"audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107"}) {
      b.append("m=").append(media).append("\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n")
          .append("a=ice-ufrag:bnch\r\na=ice-pwd:benchbenchbenchbenchbenc\r\na=ice-options:trickle\r\n")
          .append("a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n")
          .append("a=setup:actpass\r\na=sendrecv\r\na=rtcp-mux\r\n");
      for (int i = 0; i < 12; i++) b.append("a=rtpmap:").append(96 + i).append(" VP8/90000\r\na=rtcp-fb:").append(96 + i).append(" nack pli\r\n");
    }
    return b.toString();
  }
}
