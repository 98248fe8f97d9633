package io.tandem.chat;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tandem.common.Env;
import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModerationTest {
  static ErrorCode code(Moderation m, String text) {
    return assertThrows(TandemException.class, () -> m.check(text)).code();
  }

  @Test
  void screensWordsAndPhrases() {
    Moderation m = new Moderation(List.of("badword", "send nudes"), false);
    assertEquals(ErrorCode.MODERATED, code(m, "you BADWORD you"));
    assertEquals(ErrorCode.MODERATED, code(m, "pls send   nudes!"));
    assertEquals(ErrorCode.MODERATED, code(m, "ＢＡＤＷＯＲＤ"));
    assertEquals(ErrorCode.MODERATED, code(m, "bädword"));
    assertDoesNotThrow(() -> m.check("notbadwordish is a different word"));
    assertDoesNotThrow(() -> m.check("hello there"));
  }

  @Test
  void linksDependOnConfiguration() {
    Moderation strict = new Moderation(List.of(), false);
    assertEquals(ErrorCode.MODERATED, code(strict, "see https://evil.example/x"));
    assertEquals(ErrorCode.MODERATED, code(strict, "go to www.spam.test"));
    assertEquals(ErrorCode.MODERATED, code(strict, "visit spam-site.com now"));
    assertDoesNotThrow(() -> strict.check("I like dots... and 3.14"));
    assertDoesNotThrow(() -> new Moderation(List.of(), true).check("see https://example.org"));
  }

  @Test
  void configurationReplacesTheDefaultList() {
    Moderation defaults = Moderation.from(Env.with(Map.of()));
    assertEquals(ErrorCode.MODERATED, code(defaults, "add me on snapchat"));
    Moderation custom = Moderation.from(Env.with(Map.of("CHAT_BLOCKED_WORDS", "zebra, yak", "CHAT_ALLOW_LINKS", "true")));
    assertEquals(ErrorCode.MODERATED, code(custom, "a yak"));
    assertDoesNotThrow(() -> custom.check("add me on snapchat at https://example.org"));
  }
}
