package io.tandem.common;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.micrometer.core.instrument.Gauge;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mutual TLS on the clustered event bus (the TCP connections that carry messages between nodes;
 * Hazelcast's own member traffic stays plain). Every node presents its certificate and accepts only
 * peers whose certificate the cluster CA signed; host names are not checked (pods change address).
 * The files are read and checked once, at start ({@link PemCheck}); a bad one fails start-up with a
 * message naming the setting, so no node joins half working.
 */
public final class EventBusTls {
  private static final Logger LOG = LoggerFactory.getLogger(EventBusTls.class);
  /** {@code EVENTBUS_TLS} value: mutual TLS on; {@code EVENTBUS_TLS_CERT}, {@code _KEY} and {@code _CA} required. */
  public static final String ON = "on";
  /** {@code EVENTBUS_TLS} value: off (the default); refused when {@code TANDEM_ENV=production}. */
  public static final String OFF = "off";
  /** {@code EVENTBUS_TLS} value: off, accepted in production too: the operator chose an event bus that trusts anyone who reaches it. */
  public static final String OFF_INSECURE = "off-insecure";
  /** How long the TLS handshake of an event-bus connection may take, ms. */
  public static final long HANDSHAKE_TIMEOUT_MS = 5_000;

  /** A certificate that expires sooner than this after start is logged as a warning, days. */
  public static final int EXPIRY_WARNING_DAYS = 30;
  /** Expiry (epoch s) of the certificate the event bus runs with; 0 while TLS is off. */
  private static final AtomicLong LOADED_EXPIRY = new AtomicLong();

  static {
    // registered once per process; each start sets the value (several nodes in one JVM only in tests)
    Gauge.builder("tandem_eventbus_cert_expiry", LOADED_EXPIRY, AtomicLong::get).baseUnit("seconds")
        .description("expiry (epoch seconds) of the event-bus certificate this process runs with (read at start; 0: TLS off)")
        .register(Telemetry.registry());
  }

  /** The checked material: the node's chain and key, the CA, as read (PEM text). */
  public record Material(String certPem, String keyPem, String caPem, X509Certificate cert) {}

  private EventBusTls() {}

  /**
   * Reads and checks the {@code EVENTBUS_TLS*} settings as of {@code now}: null when TLS is off, the
   * checked material when on. Throws IllegalArgumentException naming the setting otherwise.
   */
  public static Material fromEnv(Env env, Instant now) {
    String mode = mode(env);
    // the three files: all of them with "on", none of them otherwise (a partial setting is refused)
    String cert = env.raw("EVENTBUS_TLS_CERT");
    String key = env.raw("EVENTBUS_TLS_KEY");
    String ca = env.raw("EVENTBUS_TLS_CA");
    if (!ON.equals(mode)) {
      List<String> set = setOnes(cert, key, ca);
      if (!set.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", set) + " set but EVENTBUS_TLS is " + mode
            + ": set EVENTBUS_TLS=on to use them, or remove them");
      }
      if (OFF.equals(mode) && Hashing.PRODUCTION.equalsIgnoreCase(env.str("TANDEM_ENV", ""))) {
        throw new IllegalArgumentException("EVENTBUS_TLS must be on when TANDEM_ENV=production (with EVENTBUS_TLS_CERT, "
            + "EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA); EVENTBUS_TLS=" + OFF_INSECURE + " runs without it on purpose");
      }
      return null;
    }
    List<String> missing = new java.util.ArrayList<>();
    if (cert == null) missing.add("EVENTBUS_TLS_CERT");
    if (key == null) missing.add("EVENTBUS_TLS_KEY");
    if (ca == null) missing.add("EVENTBUS_TLS_CA");
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("EVENTBUS_TLS=on needs " + String.join(", ", missing) + " (PEM file paths)");
    }
    return PemCheck.check(Path.of(cert), Path.of(key), Path.of(ca), now);
  }

  /** {@code EVENTBUS_TLS}: on, off or off-insecure (default off). */
  static String mode(Env env) {
    String v = env.str("EVENTBUS_TLS", OFF).toLowerCase(Locale.ROOT);
    if (!v.equals(ON) && !v.equals(OFF) && !v.equals(OFF_INSECURE)) {
      throw new IllegalArgumentException("EVENTBUS_TLS must be " + ON + ", " + OFF + " or " + OFF_INSECURE + ", got '" + v + "'");
    }
    return v;
  }

  private static List<String> setOnes(String cert, String key, String ca) {
    List<String> set = new java.util.ArrayList<>();
    if (cert != null) set.add("EVENTBUS_TLS_CERT");
    if (key != null) set.add("EVENTBUS_TLS_KEY");
    if (ca != null) set.add("EVENTBUS_TLS_CA");
    return set;
  }

  /**
   * Logs what the event bus runs with and publishes the certificate's expiry
   * ({@code tandem_eventbus_cert_expiry_seconds}): the files are read only at start, so a renewed
   * certificate takes a restart, and the gauge shows when one is due.
   */
  static void report(Material m, String mode, Instant now) {
    if (m == null) {
      LOADED_EXPIRY.set(0);
      if (OFF_INSECURE.equals(mode)) {
        LOG.warn("event bus: TLS off on purpose (EVENTBUS_TLS={}): any process that reaches the event-bus port can deliver messages", OFF_INSECURE);
      }
      return;
    }
    Instant expiry = m.cert().getNotAfter().toInstant();
    LOADED_EXPIRY.set(expiry.getEpochSecond());
    LOG.info("event bus: mutual TLS on, certificate {} valid until {}", m.cert().getSubjectX500Principal(), expiry);
    if (expiry.isBefore(now.plus(Duration.ofDays(EXPIRY_WARNING_DAYS)))) {
      LOG.warn("event bus: certificate {} expires on {}; restart with a renewed one before then (files are read at start only)",
          m.cert().getSubjectX500Principal(), expiry);
    }
  }

  /** Expiry of the certificate the event bus runs with, epoch seconds (0: TLS off). */
  static long loadedExpiry() {
    return LOADED_EXPIRY.get();
  }

  /**
   * Mutual TLS with this material: the node's certificate both ways, peers must present one the CA
   * signed. Trust-all is switched off explicitly: the event bus's default trusts any server.
   */
  public static void apply(EventBusOptions options, Material m) {
    options.setSsl(true)
        .setTrustAll(false)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(m.certPem())).setKeyValue(Buffer.buffer(m.keyPem())))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(m.caPem())))
        .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT_MS)
        .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS);
  }
}
