package io.tandem.common;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The client's network, for per-network rate limits and network blocks only: it is hashed with
 * {@link Hashing} before it is used as a key, and never logged. Behind {@code TRUSTED_PROXY_HOPS}
 * reverse proxies (an ingress) the address is read from {@code X-Forwarded-For}, counting hops from
 * the right. An IPv4 address is its own network; an IPv6 address stands for its /64, the block one
 * home, phone or LAN gets (a client can use any address in it), see {@link #network}.
 */
public final class ClientAddress {
  /** Leading bits of an IPv6 address that name one subscriber's network. */
  public static final int IPV6_NETWORK_BITS = 64;

  private ClientAddress() {}

  public static String of(SocketAddress remote, MultiMap headers, int trustedProxyHops) {
    if (trustedProxyHops > 0) {
      String xff = headers.get("X-Forwarded-For");
      if (xff != null && !xff.isBlank()) {
        String[] hops = xff.split(",");
        int i = Math.max(0, hops.length - trustedProxyHops);
        String ip = hops[i].trim();
        if (!ip.isEmpty()) return network(ip);
      }
    }
    return remote == null ? "unknown" : network(remote.hostAddress());
  }

  /**
   * The network key of one address: an IPv4 address as it is; an IPv6 address as its /64 prefix
   * ({@code 2001:db8:1:2::/64}); an IPv4-mapped IPv6 address as the IPv4 address. Anything that is
   * not an IP literal is returned unchanged (never resolved: no DNS look-up).
   */
  public static String network(String address) {
    String a = address.trim();
    if (a.startsWith("[") && a.endsWith("]")) a = a.substring(1, a.length() - 1);
    int zone = a.indexOf('%');
    if (zone >= 0) a = a.substring(0, zone);
    if (a.indexOf(':') < 0) return a;
    if (!a.matches("[0-9A-Fa-f:.]+")) return a;
    InetAddress parsed;
    try {
      parsed = InetAddress.getByName(a); // an IPv6 literal (it has ':'): parsed, never looked up
    } catch (UnknownHostException | SecurityException e) {
      return a;
    }
    if (parsed instanceof Inet4Address v4) return v4.getHostAddress();
    if (!(parsed instanceof Inet6Address)) return a;
    byte[] b = parsed.getAddress();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < IPV6_NETWORK_BITS / 8; i += 2) {
      out.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return out.append(":/").append(IPV6_NETWORK_BITS).toString();
  }
}
