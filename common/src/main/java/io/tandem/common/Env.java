package io.tandem.common;

import java.util.Map;

/**
 * Configuration: environment variables, overridable by JVM system properties of the same name.
 * A malformed value fails start-up with a message naming the variable (never silently defaulted).
 */
public final class Env {
  private final Map<String, String> overrides;

  private Env(Map<String, String> overrides) {
    this.overrides = overrides;
  }

  /** Reads the process environment and system properties. */
  public static Env system() {
    return new Env(Map.of());
  }

  /** The same, with explicit values taking precedence (tests, the launcher). */
  public static Env with(Map<String, String> overrides) {
    return new Env(Map.copyOf(overrides));
  }

  /** A raw value, or null when unset or blank. */
  public String raw(String name) {
    String v = overrides.get(name);
    if (v == null) v = System.getProperty(name);
    if (v == null) v = System.getenv(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  public String str(String name, String def) {
    String v = raw(name);
    return v == null ? def : v;
  }

  public int integer(String name, int def, int min, int max) {
    String v = raw(name);
    if (v == null) return def;
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + n);
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }

  public boolean bool(String name, boolean def) {
    String v = raw(name);
    if (v == null) return def;
    if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return true;
    if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return false;
    throw new IllegalArgumentException(name + " must be true or false, got '" + v + "'");
  }
}
