package io.tandem.common;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The languages a person speaks, as BCP 47 primary language tags ({@code "es"}, {@code "pt"}): validated the same way
 * wherever they arrive (the token request, {@code join-queue}), so matching only ever sees known, lower-case tags.
 */
public final class Languages {
  private Languages() {}

  /** Most languages one person may state ({@code languages} field). */
  public static final int MAX = 3;

  /** Obsolete ISO 639-1 codes the JDK still lists; their current codes (he, id, yi) are accepted instead. */
  private static final Set<String> OBSOLETE = Set.of("iw", "in", "ji");
  /** Widely spoken languages whose primary tag has three letters (no ISO 639-1 code). */
  private static final List<String> THREE_LETTER = List.of("fil", "yue", "ceb", "haw", "hmn");

  /** Every accepted primary tag: the ISO 639-1 two-letter codes (current ones) and {@link #THREE_LETTER}. */
  public static final Set<String> KNOWN = Stream.concat(Arrays.stream(Locale.getISOLanguages()), THREE_LETTER.stream())
      .filter(t -> !OBSOLETE.contains(t)).collect(Collectors.toUnmodifiableSet());

  /**
   * The {@code languages} field: null or absent → an empty list (no preference); else an array of 1–{@link #MAX}
   * known primary tags (case-insensitive, duplicates dropped, order kept: the first is preferred).
   *
   * @throws TandemException {@link ErrorCode#INVALID_FIELD} naming {@code field}
   */
  public static List<String> parse(Object value, String field) {
    if (value == null) return List.of();
    if (!(value instanceof JsonArray a)) throw TandemException.field(field, "must be an array of language tags, e.g. [\"es\", \"en\"]");
    if (a.size() > MAX) throw TandemException.field(field, "has more than " + MAX + " entries");
    Set<String> out = new LinkedHashSet<>();
    for (Object o : a) {
      if (!(o instanceof String s)) throw TandemException.field(field, "must be an array of language tags, e.g. [\"es\", \"en\"]");
      String tag = s.strip().toLowerCase(Locale.ROOT);
      if (!KNOWN.contains(tag)) {
        throw TandemException.field(field, "entries must be known primary language tags (ISO 639-1, e.g. \"es\"; no region): "
            + (tag.length() > 16 ? tag.substring(0, 16) + "…" : tag) + " is not one");
      }
      out.add(tag);
    }
    return new ArrayList<>(out);
  }

  /** Languages as stored in Redis and carried in the {@code langs} claim: the tags joined by commas (a tag never holds one). */
  public static String join(List<String> tags) {
    return String.join(",", tags);
  }

  /** The inverse of {@link #join}; unknown or malformed entries (an older writer) are dropped. */
  public static List<String> split(String joined) {
    if (joined == null || joined.isEmpty()) return List.of();
    return Arrays.stream(joined.split(",")).filter(KNOWN::contains).distinct().limit(MAX).toList();
  }
}
