package io.tandem.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import org.junit.jupiter.api.Test;

class ChatTextTest {
  @Test
  void cleansAndBounds() {
    assertEquals("hi there", ChatText.clean("  hi\u0000 there\u0007 "));
    assertEquals("a b", ChatText.clean("a\nb"));
    assertEquals("evil", ChatText.clean("\u202Eevil"));
    assertEquals("😀".repeat(1000), ChatText.clean("😀".repeat(1000)), "1000 characters, counted as code points");
    assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(TandemException.class, () -> ChatText.clean(" \t ")).code());
    assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(TandemException.class, () -> ChatText.clean("x".repeat(1001))).code());
  }
}
