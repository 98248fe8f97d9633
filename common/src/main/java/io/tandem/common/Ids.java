package io.tandem.common;

import java.security.SecureRandom;
import java.util.Base64;

/** Random opaque identifiers (users, sessions, sockets, nodes, refresh tokens). */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Ids() {}

  /** A prefix followed by {@code bytes} random bytes in base64url. */
  public static String random(String prefix, int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return prefix + B64.encodeToString(b);
  }

  /** A new user id (the token subject and peer id). */
  public static String user() {
    return random("u_", 12);
  }

  /** A new session id. */
  public static String session() {
    return random("s_", 12);
  }

  /** A new session id beginning with {@code prefix} (e.g. an overflow partition's, see {@code MatchPartitions}). */
  public static String session(String prefix) {
    return random(prefix, 12);
  }

  /** A new socket (connection) id. */
  public static String connection() {
    return random("c_", 9);
  }

  /** A new gateway node id. */
  public static String node() {
    return random("gw_", 6);
  }
}
