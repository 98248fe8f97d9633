package io.tandem.gateway.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.ServerWebSocketHandshake;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Where a WebSocket handshake carries its access token (header, subprotocol, or query). */
public final class Handshake {
  /** The subprotocol the server speaks (selected when offered). */
  public static final String SUBPROTOCOL = "tandem.v1";
  /** Prefix of the subprotocol entry that carries the token: {@code bearer.<token>}. */
  public static final String TOKEN_SUBPROTOCOL_PREFIX = "bearer.";
  /** Query parameter that may carry the token (never logged). */
  public static final String TOKEN_QUERY_PARAM = "access_token";

  private Handshake() {}

  /**
   * Whether a browser Origin may open a socket: no Origin (a non-browser client) is allowed; with an
   * allowlist the Origin must be in it; without one it must be the served origin itself.
   */
  public static boolean originAllowed(String origin, io.vertx.core.net.HostAndPort authority, String scheme, java.util.List<String> allowed) {
    if (origin == null) return true;
    if (!allowed.isEmpty()) return allowed.contains(origin);
    if (authority == null) return false;
    String host = authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    String wsScheme = scheme == null ? "http" : scheme;
    String http = wsScheme.equals("https") || wsScheme.equals("wss") ? "https" : "http";
    return origin.equalsIgnoreCase(http + "://" + host)
        || (authority.port() <= 0 && origin.equalsIgnoreCase(http + "://" + authority.host()))
        || (authority.port() == 80 && origin.equalsIgnoreCase("http://" + authority.host()))
        || (authority.port() == 443 && origin.equalsIgnoreCase("https://" + authority.host()));
  }

  /** The request headers that may carry the token ({@link #token}). */
  static final String[] TOKEN_HEADERS = {"Authorization", "Sec-WebSocket-Protocol"};

  /**
   * Drops the token-carrying headers of an opened socket's handshake, which the socket would
   * otherwise keep for its whole life (the token checked, the subprotocol answered): ~1 KB of heap
   * per idle socket, and a bearer token left in memory for nothing. Headers that cannot be changed
   * are left as they are.
   */
  public static void forgetToken(MultiMap headers) {
    try {
      for (String h : TOKEN_HEADERS) headers.remove(h);
    } catch (UnsupportedOperationException e) {
      // an immutable view: nothing to drop
    }
  }

  /** The token, or null when none is presented. */
  public static String token(ServerWebSocketHandshake hs) {
    return token(hs.headers(), hs.query());
  }

  public static String token(MultiMap headers, String query) {
    String auth = headers.get("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
    String protocols = headers.get("Sec-WebSocket-Protocol");
    if (protocols != null) {
      for (String p : protocols.split(",")) {
        String t = p.trim();
        if (t.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return t.substring(TOKEN_SUBPROTOCOL_PREFIX.length());
      }
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(TOKEN_QUERY_PARAM)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }
}
