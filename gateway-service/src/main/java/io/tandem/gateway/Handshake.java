package io.tandem.gateway;

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

  /** The token, or null when none is presented. */
  public static String token(ServerWebSocketHandshake hs) {
    return token(hs.headers(), hs.query());
  }

  static String token(MultiMap headers, String query) {
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
