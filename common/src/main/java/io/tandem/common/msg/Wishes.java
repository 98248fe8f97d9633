package io.tandem.common.msg;

import java.util.List;

/**
 * What a searching user asks of a stranger: normalized interests and the languages they speak (primary tags, the
 * first preferred). Both may be empty (no preference).
 */
public record Wishes(List<String> interests, List<String> languages) {
  /** No preference at all. */
  public static final Wishes NONE = new Wishes(List.of(), List.of());

  public Wishes {
    interests = List.copyOf(interests);
    languages = List.copyOf(languages);
  }

  /** Interests only (callers that state no language). */
  public static Wishes interests(List<String> interests) {
    return new Wishes(interests, List.of());
  }
}
