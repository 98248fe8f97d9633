package io.tandem.chat;

import io.tandem.common.ErrorCode;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;

/** Cleaning chat text: control characters removed (newlines and tabs become spaces), trimmed, 1-1000 characters. */
public final class ChatText {
  private ChatText() {}

  /** The cleaned text; fails INVALID_MESSAGE when empty or too long after cleaning. */
  public static String clean(String raw) {
    StringBuilder b = new StringBuilder(Math.min(raw.length(), Limits.CHAT_MAX_CHARS + 16));
    raw.codePoints().forEach(cp -> {
      if (cp == '\n' || cp == '\r' || cp == '\t') b.append(' ');
      else if (!Character.isISOControl(cp) && !isBidiOverride(cp)) b.appendCodePoint(cp);
    });
    String text = b.toString().strip();
    int length = text.codePointCount(0, text.length());
    if (length == 0 || length > Limits.CHAT_MAX_CHARS) {
      throw new TandemException(ErrorCode.INVALID_MESSAGE, "Messages must be 1 to " + Limits.CHAT_MAX_CHARS + " characters");
    }
    return text;
  }

  /** Bidirectional embedding/override/isolate controls, which can disguise text. */
  private static boolean isBidiOverride(int cp) {
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
  }
}
