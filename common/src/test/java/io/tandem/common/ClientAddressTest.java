package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  @Test
  void ipv6IsGroupedByItsSlash64() {
    String net = "2001:db8:aa:bb::/64";
    assertEquals(net, ClientAddress.network("2001:db8:aa:bb::1"));
    assertEquals(net, ClientAddress.network("2001:0db8:00aa:00bb:ffff:1234:5678:9abc"), "any address of the /64, any spelling");
    assertEquals(net, ClientAddress.network("[2001:db8:aa:bb:1:2:3:4]"));
    assertEquals(net, ClientAddress.network("fe80::1%eth0".replace("fe80::", "2001:db8:aa:bb::")), "zone id dropped");
    assertNotEquals(net, ClientAddress.network("2001:db8:aa:bc::1"), "the next /64 is another network");
    assertEquals("0:0:0:0::/64", ClientAddress.network("::1"));
  }

  @Test
  void ipv4StaysItselfAndMappedIpv6BecomesIpv4() {
    assertEquals("203.0.113.7", ClientAddress.network("203.0.113.7"));
    assertNotEquals(ClientAddress.network("203.0.113.7"), ClientAddress.network("203.0.113.8"));
    assertEquals("203.0.113.7", ClientAddress.network("::ffff:203.0.113.7"));
  }

  @Test
  void notAnAddressIsLeftAloneAndNeverResolved() {
    assertEquals("unknown", ClientAddress.network("unknown"));
    assertEquals("example.com", ClientAddress.network("example.com"));
    assertEquals("zz::1", ClientAddress.network("zz::1"));
  }

  @Test
  void forwardedAndDirectAddressesAreGrouped() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(Map.of("X-Forwarded-For", "198.51.100.1, 2001:db8:1:2:3:4:5:6"));
    assertEquals("2001:db8:1:2::/64", ClientAddress.of(SocketAddress.inetSocketAddress(1, "10.0.0.1"), headers, 1));
    assertEquals("10.0.0.1", ClientAddress.of(SocketAddress.inetSocketAddress(1, "10.0.0.1"), headers, 0), "untrusted header ignored");
    assertEquals("2001:db8:9:9::/64", ClientAddress.of(SocketAddress.inetSocketAddress(1, "2001:db8:9:9::5"), MultiMap.caseInsensitiveMultiMap(), 0));
  }
}
