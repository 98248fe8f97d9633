package io.tandem.gateway.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageAssemblerTest {
  private static final int LIMIT = 10;
  private final List<String> texts = new ArrayList<>();
  private int binaries;
  private int tooBig;
  private final MessageAssembler assembler = new MessageAssembler(LIMIT, texts::add, () -> binaries++, () -> tooBig++);

  private static Buffer bytes(String s) {
    return Buffer.buffer(s);
  }

  @Test
  void wholeTextMessagesPassThrough() {
    assembler.handle(WebSocketFrame.textFrame("hello", true));
    assembler.handle(WebSocketFrame.textFrame("a".repeat(LIMIT), true));
    assertEquals(List.of("hello", "a".repeat(LIMIT)), texts, "exactly the limit is accepted");
    assertEquals(0, tooBig);
  }

  @Test
  void overTheLimitInOneFrameIsTooBig() {
    assembler.handle(WebSocketFrame.textFrame("a".repeat(LIMIT + 1), true));
    assertEquals(List.of(), texts);
    assertEquals(1, tooBig);
  }

  @Test
  void fragmentsAreJoined() {
    assembler.handle(WebSocketFrame.textFrame("ab", false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes("cd"), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes("ef"), true));
    assertEquals(List.of("abcdef"), texts);
  }

  @Test
  void aCharacterSplitAcrossFragmentsSurvives() {
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    assembler.handle(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[] {'x'}), false));
    assembler.handle(WebSocketFrame.textFrame("x", false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {e[0]}), false));
    assembler.handle(WebSocketFrame.continuationFrame(Buffer.buffer(new byte[] {e[1]}), true));
    assertEquals(List.of("xé"), texts, "a new message replaces an unfinished one");
    assertEquals(0, binaries);
  }

  @Test
  void fragmentsOverTheLimitAreTooBigOnce() {
    assembler.handle(WebSocketFrame.textFrame("a".repeat(6), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes("b".repeat(5)), false));
    assertEquals(1, tooBig);
    assembler.handle(WebSocketFrame.continuationFrame(bytes("c"), true));
    assertEquals(1, tooBig, "the rest of a refused message is ignored");
    assertEquals(List.of(), texts);
    assembler.handle(WebSocketFrame.textFrame("next", true));
    assertEquals(List.of("next"), texts, "the next message is read normally");
  }

  @Test
  void binaryMessagesAreReportedNotRead() {
    assembler.handle(WebSocketFrame.binaryFrame(bytes("bin"), true));
    assembler.handle(WebSocketFrame.binaryFrame(bytes("bi"), false));
    assembler.handle(WebSocketFrame.continuationFrame(bytes("n"), true));
    assertEquals(2, binaries);
    assertEquals(List.of(), texts);
  }

  @Test
  void strayContinuationsAndControlFramesAreIgnored() {
    assembler.handle(WebSocketFrame.continuationFrame(bytes("zz"), true));
    assembler.handle(WebSocketFrame.pingFrame(bytes("p")));
    assembler.handle(WebSocketFrame.textFrame("ok", false));
    assembler.handle(WebSocketFrame.pongFrame(bytes("p")));
    assembler.handle(WebSocketFrame.continuationFrame(bytes("!"), true));
    assertEquals(List.of("ok!"), texts);
    assertEquals(0, binaries + tooBig);
  }
}
