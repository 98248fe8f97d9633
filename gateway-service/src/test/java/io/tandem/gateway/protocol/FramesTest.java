package io.tandem.gateway.protocol;

import io.tandem.gateway.http.Handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.common.ErrorCode;
import io.tandem.common.MessageType;
import io.tandem.common.TandemException;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class FramesTest {
  static ErrorCode code(Runnable r) {
    return assertThrows(TandemException.class, r::run).code();
  }

  @Test
  void parsesEnvelopes() {
    ClientFrame f = ClientFrame.parse("{\"type\":\"join-queue\"}", 1000);
    assertEquals(MessageType.JOIN_QUEUE, f.type());
    assertEquals(new JsonObject(), f.data());
    assertEquals(ErrorCode.INVALID_JSON, code(() -> ClientFrame.parse("{", 1000)));
    assertEquals(ErrorCode.INVALID_JSON, code(() -> ClientFrame.parse("\"str\"", 1000)));
    assertEquals(ErrorCode.INVALID_JSON, code(() -> ClientFrame.parse("{\"type\":\"join-queue\",\"data\":[]}", 1000)));
    assertEquals(ErrorCode.UNKNOWN_TYPE, code(() -> ClientFrame.parse("{\"type\":\"queued\"}", 1000)));
    assertEquals(ErrorCode.TOO_LARGE, code(() -> ClientFrame.parse("{\"type\":\"join-queue\",\"data\":{\"x\":\"" + "a".repeat(100) + "\"}}", 50)));
  }

  @Test
  void relayedPayloadsKeepOnlyKnownFields() {
    JsonObject offer = Payloads.description(new JsonObject().put("offer",
        new JsonObject().put("type", "offer").put("sdp", "v=0").put("from", "forged")), "offer", "offer");
    assertEquals(new JsonObject().put("type", "offer").put("sdp", "v=0"), offer);
    JsonObject cand = Payloads.candidate(new JsonObject().put("candidate",
        new JsonObject().put("candidate", "").put("sdpMid", "0").put("sdpMLineIndex", 1).put("evil", true)));
    assertFalse(cand.containsKey("evil"));
    assertEquals(ErrorCode.INVALID_FIELD, code(() -> Payloads.candidate(new JsonObject().put("candidate",
        new JsonObject().put("candidate", "x").put("sdpMLineIndex", -1)))));
    assertEquals(ErrorCode.INVALID_FIELD, code(() -> Payloads.description(new JsonObject().put("offer",
        new JsonObject().put("type", "offer").put("sdp", "a".repeat(70_000))), "offer", "offer")));
  }

  @Test
  void interestsAreNormalized() {
    assertEquals(List.of("music", "chess"), Payloads.interests(new JsonObject().put("interests",
        new JsonArray().add("  Music ").add("music").add("CHESS"))));
    assertEquals(List.of(), Payloads.interests(new JsonObject()));
    assertEquals(ErrorCode.INVALID_FIELD, code(() -> Payloads.interests(new JsonObject().put("interests", new JsonArray().add("")))));
    assertEquals(ErrorCode.INVALID_FIELD, code(() -> Payloads.interests(new JsonObject().put("interests", new JsonArray().add(3)))));
    JsonArray eleven = new JsonArray();
    for (int i = 0; i < 11; i++) eleven.add("i" + i);
    assertEquals(ErrorCode.INVALID_FIELD, code(() -> Payloads.interests(new JsonObject().put("interests", eleven))));
  }

  @Test
  void reportReasonsComeFromAFixedList() {
    assertEquals("spam", Payloads.reportReason(new JsonObject().put("reason", "spam")));
    assertEquals(ErrorCode.INVALID_FIELD, code(() -> Payloads.reportReason(new JsonObject().put("reason", "ugly"))));
  }

  @Test
  void originsMatchTheServedOriginOrTheAllowlist() {
    io.vertx.core.net.HostAndPort local = io.vertx.core.net.HostAndPort.create("localhost", 8080);
    org.junit.jupiter.api.Assertions.assertTrue(Handshake.originAllowed(null, local, "http", List.of()), "non-browser clients send none");
    org.junit.jupiter.api.Assertions.assertTrue(Handshake.originAllowed("http://localhost:8080", local, "http", List.of()));
    org.junit.jupiter.api.Assertions.assertFalse(Handshake.originAllowed("http://evil.test", local, "http", List.of()));
    org.junit.jupiter.api.Assertions.assertFalse(Handshake.originAllowed("http://localhost:8080", local, "http", List.of("https://tandem.example")));
    io.vertx.core.net.HostAndPort behindTls = io.vertx.core.net.HostAndPort.create("tandem.example", -1);
    org.junit.jupiter.api.Assertions.assertTrue(Handshake.originAllowed("https://tandem.example", behindTls, "https", List.of()),
        "behind a TLS ingress (X-Forwarded-Proto)");
    org.junit.jupiter.api.Assertions.assertFalse(Handshake.originAllowed("http://tandem.example", behindTls, "https", List.of()));
  }

  @Test
  void findsTheTokenInEveryCarrier() {
    assertEquals("t1", Handshake.token(MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer t1"), null));
    assertEquals("t2", Handshake.token(MultiMap.caseInsensitiveMultiMap().add("Sec-WebSocket-Protocol", "tandem.v1, bearer.t2"), null));
    assertEquals("t3", Handshake.token(MultiMap.caseInsensitiveMultiMap(), "x=1&access_token=t3"));
    assertNull(Handshake.token(MultiMap.caseInsensitiveMultiMap(), "x=1"));
  }

  @Test
  void anOpenedSocketKeepsNoTokenHeader() {
    MultiMap h = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer t1").add("Sec-WebSocket-Protocol", "tandem.v1, bearer.t2")
        .add("Origin", "http://localhost:8080");
    Handshake.forgetToken(h);
    assertNull(Handshake.token(h, null));
    assertEquals(List.of("Origin"), List.copyOf(h.names()));
  }
}
