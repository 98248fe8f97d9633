package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** EVENTBUS_TLS*: every misconfiguration fails at start with a message naming the setting. */
class EventBusTlsTest {
  static TestCerts ca;
  static TestCerts otherCa;
  static TestCerts.Node node;
  static TestCerts.Node stranger;

  @BeforeAll
  static void certificates() throws Exception {
    ca = TestCerts.authority("cluster-ca");
    otherCa = TestCerts.authority("other-ca");
    node = ca.issue("gateway");
    stranger = otherCa.issue("stranger");
  }

  private static IllegalArgumentException refused(Map<String, String> settings) {
    return refused(settings, Instant.now());
  }

  private static IllegalArgumentException refused(Map<String, String> settings, Instant at) {
    return assertThrows(IllegalArgumentException.class, () -> EventBusTls.fromEnv(Env.with(settings), at));
  }

  private static void names(IllegalArgumentException e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' names " + p);
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> m = new HashMap<>(base);
    m.put(key, value);
    return m;
  }

  @Test
  void offByDefaultOutsideProduction() {
    assertNull(EventBusTls.fromEnv(Env.with(Map.of()), Instant.now()));
    assertNull(EventBusTls.fromEnv(Env.with(Map.of("TANDEM_ENV", "development", "EVENTBUS_TLS", "off")), Instant.now()));
  }

  @Test
  void productionRefusesToStartWithoutItUnlessExplicitlyInsecure() {
    names(refused(Map.of("TANDEM_ENV", "production")), "EVENTBUS_TLS must be on", "TANDEM_ENV=production", "off-insecure");
    names(refused(Map.of("TANDEM_ENV", "production", "EVENTBUS_TLS", "off")), "EVENTBUS_TLS must be on");
    assertNull(EventBusTls.fromEnv(Env.with(Map.of("TANDEM_ENV", "production", "EVENTBUS_TLS", "off-insecure")), Instant.now()));
    assertNotNull(EventBusTls.fromEnv(Env.with(with(ca.settings(node), "TANDEM_ENV", "production")), Instant.now()));
  }

  @Test
  void anUnknownModeIsRefused() {
    names(refused(Map.of("EVENTBUS_TLS", "yes")), "EVENTBUS_TLS must be on, off or off-insecure", "'yes'");
  }

  @Test
  void aPartialSettingIsRefused() {
    Map<String, String> all = ca.settings(node);
    names(refused(Map.of("EVENTBUS_TLS", "on", "EVENTBUS_TLS_CERT", all.get("EVENTBUS_TLS_CERT"))),
        "EVENTBUS_TLS=on needs EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA");
    names(refused(Map.of("EVENTBUS_TLS", "on")), "EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA");
    // files given, TLS not switched on: refused rather than silently ignored
    Map<String, String> filesOnly = new HashMap<>(all);
    filesOnly.remove("EVENTBUS_TLS");
    names(refused(filesOnly), "EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA set but EVENTBUS_TLS is off");
    names(refused(Map.of("EVENTBUS_TLS", "off-insecure", "EVENTBUS_TLS_CA", all.get("EVENTBUS_TLS_CA"))),
        "EVENTBUS_TLS_CA set but EVENTBUS_TLS is off-insecure");
  }

  @Test
  void unreadableFilesAreNamed() {
    Map<String, String> all = ca.settings(node);
    for (String setting : new String[] {"EVENTBUS_TLS_CERT", "EVENTBUS_TLS_KEY", "EVENTBUS_TLS_CA"}) {
      names(refused(with(all, setting, "/nonexistent/eventbus.pem")), setting + ": cannot read /nonexistent/eventbus.pem");
    }
  }

  @Test
  void filesOfTheWrongKindAreNamed() throws Exception {
    Map<String, String> all = ca.settings(node);
    names(refused(with(all, "EVENTBUS_TLS_CERT", node.key().toString())), "EVENTBUS_TLS_CERT", "holds no PEM CERTIFICATE");
    names(refused(with(all, "EVENTBUS_TLS_CA", node.key().toString())), "EVENTBUS_TLS_CA", "holds no PEM CERTIFICATE");
    names(refused(with(all, "EVENTBUS_TLS_KEY", node.cert().toString())), "EVENTBUS_TLS_KEY", "PKCS#8");
    names(refused(with(all, "EVENTBUS_TLS_KEY", ca.sec1(node).toString())), "EVENTBUS_TLS_KEY", "openssl pkcs8 -topk8");
    Path garbled = Files.writeString(node.cert().resolveSibling("garbled.crt"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    names(refused(with(all, "EVENTBUS_TLS_CERT", garbled.toString())), "EVENTBUS_TLS_CERT", "does not parse");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() {
    names(refused(with(ca.settings(node), "EVENTBUS_TLS_KEY", stranger.key().toString())),
        "EVENTBUS_TLS_KEY does not match the certificate in EVENTBUS_TLS_CERT", "CN=gateway");
  }

  @Test
  void aCaThatDoesNotVerifyTheNodesCertificateIsRefused() {
    names(refused(with(ca.settings(node), "EVENTBUS_TLS_CA", otherCa.caCert().toString())),
        "EVENTBUS_TLS_CA does not verify the certificate in EVENTBUS_TLS_CERT", "CN=gateway");
  }

  @Test
  void anExpiredOrNotYetValidCertificateIsRefused() throws Exception {
    TestCerts.Node shortLived = ca.issue("short-lived", 1, TestCerts.BOTH_WAYS);
    Map<String, String> s = ca.settings(shortLived);
    assertNotNull(EventBusTls.fromEnv(Env.with(s), Instant.now()));
    names(refused(s, Instant.now().plus(Duration.ofDays(2))), "EVENTBUS_TLS_CERT: certificate CN=short-lived expired on");
    names(refused(s, Instant.now().minus(Duration.ofDays(1))), "EVENTBUS_TLS_CERT: certificate CN=short-lived is not valid before");
    // the CA itself (ten years) expired
    names(refused(ca.settings(node), Instant.now().plus(Duration.ofDays(11 * 366))), "EVENTBUS_TLS_CERT", "expired on");
    names(refused(with(ca.settings(node), "EVENTBUS_TLS_CERT", ca.caCert().toString()), Instant.now().plus(Duration.ofDays(11 * 366))),
        "expired on");
  }

  @Test
  void aCertificateForOneDirectionOnlyIsRefused() throws Exception {
    TestCerts.Node serverOnly = ca.issue("server-only", 30, "serverAuth");
    names(refused(ca.settings(serverOnly)), "EVENTBUS_TLS_CERT", "both server auth and client auth");
    assertNotNull(EventBusTls.fromEnv(Env.with(ca.settings(ca.issue("no-eku", 30, null))), Instant.now()),
        "no extended key usage listed: any use");
  }

  @Test
  void aGoodSetTurnsOnMutualTls() {
    EventBusTls.Material m = EventBusTls.fromEnv(Env.with(ca.settings(node)), Instant.now());
    assertEquals("CN=gateway", m.cert().getSubjectX500Principal().getName());
    EventBusOptions options = new EventBusOptions();
    EventBusTls.apply(options, m);
    assertTrue(options.isSsl());
    assertEquals(ClientAuth.REQUIRED, options.getClientAuth());
    assertNotNull(options.getKeyCertOptions());
    assertNotNull(options.getTrustOptions());
    assertTrue(!options.isTrustAll());
  }

  @Test
  void theLoadedCertificatesExpiryIsPublished() {
    EventBusTls.Material m = EventBusTls.fromEnv(Env.with(ca.settings(node)), Instant.now());
    EventBusTls.report(m, EventBusTls.ON, Instant.now());
    long expiry = m.cert().getNotAfter().toInstant().getEpochSecond();
    assertEquals(expiry, EventBusTls.loadedExpiry());
    assertEquals((double) expiry, Telemetry.registry().get("tandem_eventbus_cert_expiry").gauge().value());
    assertTrue(Telemetry.registry().scrape().contains("tandem_eventbus_cert_expiry_seconds "), "scraped as tandem_eventbus_cert_expiry_seconds");
    EventBusTls.report(null, EventBusTls.OFF, Instant.now());
    assertEquals(0.0, Telemetry.registry().get("tandem_eventbus_cert_expiry").gauge().value());
  }

  @Test
  void clusterStartFailsWithTheMessageBeforeJoining() {
    Throwable t = ClusterSetup.start(Env.with(Map.of("TANDEM_ENV", "production"))).cause();
    assertTrue(t instanceof IllegalArgumentException && t.getMessage().contains("EVENTBUS_TLS must be on"), String.valueOf(t));
  }
}
