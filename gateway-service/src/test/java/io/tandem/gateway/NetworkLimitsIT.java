package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.SafetyConfig;
import io.tandem.it.Http;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import io.tandem.it.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Per-network limits sized for shared addresses (docs/production.md, "Limits that fit real
 * networks"), end to end behind one trusted proxy hop: with the defaults, many people behind one
 * IPv4 address all get tokens and sockets while one device is still limited; IPv6 clients are
 * limited per /64, whichever address of it they use.
 * Proof of work is off here (TOKEN_POW=off): these tests count HTTP requests and mint many tokens from
 * one network; ProofOfWorkIT covers the proof of work and its rising cost on one network.
 */
class NetworkLimitsIT {
  /** People behind one shared address in the test (well over the old default burst of 20). */
  static final int PEOPLE = 150;

  static Http.Answer token(int port, String device, String fromIp) throws Exception {
    return Http.send(port, "/auth/token", "POST", new JsonObject().put("deviceId", device).put("name", "N").put("age", 30).encode(),
        "X-Forwarded-For", fromIp);
  }

  @Test
  void manyPeopleBehindOneAddressWithTheDefaults() throws Exception {
    int port = Ports.free();
    String shared = "198.51.100.7";
    try (ServiceStack stack = GatewayStack.start(Map.of("GATEWAY_PORT", Integer.toString(port), "TRUSTED_PROXY_HOPS", "1", "TOKEN_POW", "off"))) {
      Vertx client = Vertx.vertx();
      List<WsClient> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < PEOPLE; i++) {
          Http.Answer a = token(port, "dev-" + UUID.randomUUID(), shared);
          assertEquals(200, a.status(), "person " + i + " behind the shared address gets a token: " + a.body());
          sockets.add(WsClient.connect(client, new io.vertx.core.http.WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
              .setURI("/signaling").addHeader("Authorization", "Bearer " + a.body().getString("accessToken"))
              .addHeader("X-Forwarded-For", shared)));
        }
        String device = "dev-" + UUID.randomUUID();
        int ok = 0;
        Http.Answer last = null;
        for (int i = 0; i < SafetyConfig.DEVICE_BURST * 2; i++) {
          last = token(port, device, shared);
          if (last.status() != 200) break;
          ok++;
        }
        assertEquals(429, last.status(), "one device is still limited: " + ok + " tokens");
        assertTrue(ok >= SafetyConfig.DEVICE_BURST && ok < SafetyConfig.DEVICE_BURST * 2, "the per-device burst: " + ok);
        assertEquals(200, token(port, "dev-" + UUID.randomUUID(), shared).status(), "the others behind the address are unaffected");
      } finally {
        sockets.forEach(WsClient::close);
        client.close().await();
      }
    }
  }

  @Test
  void ipv6IsLimitedPerSlash64() throws Exception {
    int port = Ports.free();
    int burst = 10;
    try (ServiceStack stack = GatewayStack.start(Map.of("GATEWAY_PORT", Integer.toString(port), "TRUSTED_PROXY_HOPS", "1", "TOKEN_POW", "off",
        "HTTP_RATE_PER_MINUTE", "60", "HTTP_RATE_BURST", Integer.toString(burst)))) {
      int ok = 0;
      Http.Answer last = null;
      for (int i = 1; i <= burst * 2; i++) {
        last = Http.send(port, "/auth/jwks", "GET", null, "X-Forwarded-For", "2001:db8:77:1:" + Integer.toHexString((i * 7919) & 0xffff) + "::" + Integer.toHexString(i));
        if (last.status() != 200) break;
        ok++;
      }
      assertEquals(429, last.status(), "rotating addresses inside one /64 does not escape the limit: " + ok);
      assertTrue(ok >= burst && ok < burst * 2, "one burst for the whole /64: " + ok);
      assertEquals(200, Http.send(port, "/auth/jwks", "GET", null, "X-Forwarded-For", "2001:db8:77:2::1").status(),
          "the next /64 is another network");
      assertEquals(200, Http.send(port, "/auth/jwks", "GET", null, "X-Forwarded-For", "198.51.100.9").status(),
          "an IPv4 client is another network");
    }
  }
}
