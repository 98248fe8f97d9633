package io.tandem.common;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;

/**
 * The client's IP address, for rate limits and blocks only: it is hashed with {@link Hashing}
 * before it is used as a key, and never logged. Behind {@code TRUSTED_PROXY_HOPS} reverse proxies
 * (an ingress) it is read from {@code X-Forwarded-For}, counting hops from the right.
 */
public final class ClientAddress {
  private ClientAddress() {}

  public static String of(SocketAddress remote, MultiMap headers, int trustedProxyHops) {
    if (trustedProxyHops > 0) {
      String xff = headers.get("X-Forwarded-For");
      if (xff != null && !xff.isBlank()) {
        String[] hops = xff.split(",");
        int i = Math.max(0, hops.length - trustedProxyHops);
        String ip = hops[i].trim();
        if (!ip.isEmpty()) return ip;
      }
    }
    return remote == null ? "unknown" : remote.hostAddress();
  }
}
