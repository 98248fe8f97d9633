package io.tandem.chat;

import io.tandem.common.Env;
import io.tandem.common.ErrorCode;
import io.tandem.common.TandemException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Screens chat text: a word list (whole words and phrases, case- and accent-insensitive, spacing
 * and punctuation tolerant) and, unless allowed, links. A screened message is refused with
 * {@code moderated} to the sender and forwarded to no one.
 */
public final class Moderation {
  /** The built-in list (classpath). */
  public static final String DEFAULT_LIST = "/moderation/blocked-words.txt";
  private static final Pattern LINK = Pattern.compile(
      "(?i)\\b(?:https?://|www\\.)\\S+|\\b[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.(?:com|net|org|io|co|me|ly|gg|tv|app|xyz|info|biz|ru|cn|link|site|online|top)\\b(?:/\\S*)?");

  private final Pattern words;
  private final boolean allowLinks;

  public Moderation(List<String> blocked, boolean allowLinks) {
    List<String> parts = new ArrayList<>();
    for (String w : blocked) {
      String n = normalize(w).trim();
      if (n.isEmpty()) continue;
      parts.add(String.join("\\W+", java.util.Arrays.stream(n.split("\\s+")).map(Pattern::quote).toList()));
    }
    this.words = parts.isEmpty() ? null : Pattern.compile("(?<![\\p{L}\\p{N}])(?:" + String.join("|", parts) + ")(?![\\p{L}\\p{N}])");
    this.allowLinks = allowLinks;
  }

  /**
   * From configuration: {@code CHAT_BLOCKED_WORDS} (comma-separated) and {@code CHAT_BLOCKED_WORDS_FILE}
   * (one per line, # comments) replace the built-in list when set; {@code CHAT_ALLOW_LINKS} (default false).
   */
  public static Moderation from(Env env) {
    List<String> list = new ArrayList<>();
    String inline = env.raw("CHAT_BLOCKED_WORDS");
    String file = env.raw("CHAT_BLOCKED_WORDS_FILE");
    try {
      if (inline != null) list.addAll(List.of(inline.split(",")));
      if (file != null) list.addAll(lines(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
      if (inline == null && file == null) {
        try (InputStream in = Moderation.class.getResourceAsStream(DEFAULT_LIST)) {
          if (in == null) throw new IllegalStateException("missing " + DEFAULT_LIST);
          list.addAll(lines(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("CHAT_BLOCKED_WORDS_FILE cannot be read: " + e.getMessage());
    }
    return new Moderation(list, env.bool("CHAT_ALLOW_LINKS", false));
  }

  private static List<String> lines(String text) {
    return text.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  /** Fails MODERATED when the (already cleaned) text is screened. */
  public void check(String text) {
    if (!allowLinks && LINK.matcher(text).find()) {
      throw new TandemException(ErrorCode.MODERATED, "Links are not allowed in chat");
    }
    if (words != null && words.matcher(normalize(text)).find()) {
      throw new TandemException(ErrorCode.MODERATED);
    }
  }

  /** Lower case, accents removed, compatibility forms folded (so "ＳＥＮＤ" and "séñd" match "send"). */
  static String normalize(String s) {
    String n = Normalizer.normalize(s, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    return n.toLowerCase(Locale.ROOT);
  }
}
