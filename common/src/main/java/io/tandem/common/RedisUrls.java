package io.tandem.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of {@code REDIS_URL}: {@code redis://[user:password@]host[:port][/db]} or {@code rediss://...}
 * for TLS, comma-separated for Sentinel or Cluster seeds. Checked here so that a typo fails at start
 * with a message that names {@code REDIS_URL}; messages and {@link #redacted} never contain a password.
 */
public final class RedisUrls {
  /** Port used when an entry names none (Redis's own default). */
  public static final int DEFAULT_PORT = 6379;
  /** Highest logical database number accepted in the path. */
  public static final int MAX_DB = 15;

  private RedisUrls() {}

  /** One checked entry. */
  public record Entry(String url, boolean tls, String host, int port, boolean hasPassword) {
    /** The entry with its password replaced by {@code ***}; safe to log. */
    public String redacted() {
      return RedisUrls.redacted(url);
    }
  }

  /** Parses and checks every entry; throws {@link IllegalArgumentException} naming {@code REDIS_URL}. */
  public static List<Entry> parse(String value) {
    List<Entry> entries = new ArrayList<>();
    if (value == null || value.isBlank()) throw new IllegalArgumentException("REDIS_URL is empty");
    String[] parts = value.split(",");
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i].trim();
      if (s.isEmpty()) continue;
      entries.add(entry(s, i + 1));
    }
    if (entries.isEmpty()) throw new IllegalArgumentException("REDIS_URL is empty");
    boolean tls = entries.get(0).tls();
    for (Entry e : entries) {
      if (e.tls() != tls) {
        throw new IllegalArgumentException("REDIS_URL mixes redis:// and rediss:// entries: use rediss:// for all of them or none");
      }
    }
    return entries;
  }

  private static Entry entry(String s, int n) {
    String where = "REDIS_URL entry " + n + " (" + redacted(s) + ")";
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(where + " is not a URL; expected redis://[user:password@]host:port[/db]"
          + " (percent-encode special characters in the password)");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(where + " must start with redis:// or rediss:// (TLS)");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException(where + " has no host; expected redis://[user:password@]host:port[/db]");
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/")) {
      try {
        int db = Integer.parseInt(path.substring(1));
        if (db < 0 || db > MAX_DB) throw new NumberFormatException();
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where + " has a database path that is not a number 0-" + MAX_DB);
      }
    }
    String userInfo = uri.getRawUserInfo();
    boolean hasPassword = userInfo != null && userInfo.contains(":") && userInfo.indexOf(':') < userInfo.length() - 1;
    return new Entry(s, scheme.equals("rediss"), uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), hasPassword);
  }

  /** The passwords in the URL(s), raw and percent-decoded, to scrub from messages. */
  public static List<String> secrets(String value) {
    List<String> out = new ArrayList<>();
    if (value == null) return out;
    for (String part : value.split(",")) {
      int scheme = part.indexOf("://");
      int start = scheme < 0 ? 0 : scheme + 3;
      int at = part.lastIndexOf('@');
      if (at < start) continue;
      String userInfo = part.substring(start, at);
      String raw = userInfo.substring(userInfo.indexOf(':') + 1);
      if (raw.isEmpty()) continue;
      out.add(raw);
      try {
        out.add(java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // not percent-encoded: the raw form is enough
      }
    }
    return out;
  }

  /** The URL(s) with every password replaced by {@code ***}; works on malformed input too. */
  public static String redacted(String value) {
    if (value == null) return "";
    StringBuilder out = new StringBuilder();
    for (String part : value.split(",", -1)) {
      if (out.length() > 0) out.append(',');
      out.append(redactOne(part));
    }
    return out.toString();
  }

  private static String redactOne(String s) {
    int scheme = s.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = s.lastIndexOf('@');
    if (at < start) return s;
    String userInfo = s.substring(start, at);
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? "" : userInfo.substring(0, colon);
    // Without a colon the whole user-info may be a password: hide it too.
    return s.substring(0, start) + (colon < 0 ? "***" : user + ":***") + s.substring(at);
  }
}
