package io.tandem.it;

import java.util.HashMap;
import java.util.Map;

/** Service settings for tests (the launcher's and the services' own stacks). */
public final class Settings {
  private Settings() {}

  /**
   * Settings for tests that open many sockets from one address: the HTTP and handshake rate limits
   * are raised (SafetyIT tests the limits themselves with their defaults).
   */
  public static Map<String, String> manyClients(Map<String, String> base) {
    Map<String, String> m = new HashMap<>(base);
    m.put("HTTP_RATE_PER_MINUTE", "1000000");
    m.put("HTTP_RATE_BURST", "100000");
    m.put("WS_HANDSHAKES_PER_MINUTE", "1000000");
    return m;
  }

  /**
   * {@link #manyClients} for tests that mint hundreds of tokens from one address: the proof of work
   * is off (TOKEN_POW=off), as for load generators. Other tests keep it on and solve it in
   * {@link Http#postToken} (a few milliseconds at the base difficulty).
   */
  public static Map<String, String> manyTokens(Map<String, String> base) {
    Map<String, String> m = manyClients(base);
    m.put("TOKEN_POW", "off");
    return m;
  }
}
