package io.tandem.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks the event bus's PEM files at start (java.security only): each readable and well formed, the
 * certificate valid now and usable for both ends of a connection, the key its own, and the CA one
 * that verifies it. Every failure is an IllegalArgumentException naming the setting.
 */
final class PemCheck {
  /** Extended key usage a node's certificate needs, if it lists any: it serves and connects. */
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  /** See {@link #SERVER_AUTH}. */
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  private PemCheck() {}

  static EventBusTls.Material check(Path certFile, Path keyFile, Path caFile, Instant now) {
    String certPem = read("EVENTBUS_TLS_CERT", certFile);
    String keyPem = read("EVENTBUS_TLS_KEY", keyFile);
    String caPem = read("EVENTBUS_TLS_CA", caFile);
    List<X509Certificate> chain = certificates("EVENTBUS_TLS_CERT", certFile, certPem);
    List<X509Certificate> cas = certificates("EVENTBUS_TLS_CA", caFile, caPem);
    PrivateKey key = privateKey(keyFile, keyPem);
    X509Certificate cert = chain.get(0);
    valid("EVENTBUS_TLS_CERT", cert, now);
    for (X509Certificate c : cas) valid("EVENTBUS_TLS_CA", c, now);
    usableBothWays(cert);
    matches(cert, key);
    verifies(chain, cas, now);
    return new EventBusTls.Material(certPem, keyPem, caPem, cert);
  }

  private static String read(String setting, Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(setting + ": cannot read " + file + " (" + e + ")");
    }
  }

  /** The PEM blocks labelled {@code label}, decoded. */
  private static List<byte[]> blocks(String setting, Path file, String pem, String label) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(pem);
    while (m.find()) {
      if (!m.group(1).equals(label)) continue;
      try {
        out.add(Base64.getMimeDecoder().decode(m.group(2).trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(setting + ": " + file + " has a " + label + " block that is not base64");
      }
    }
    return out;
  }

  private static List<X509Certificate> certificates(String setting, Path file, String pem) {
    List<byte[]> ders = blocks(setting, file, pem, "CERTIFICATE");
    if (ders.isEmpty()) throw new IllegalArgumentException(setting + ": " + file + " holds no PEM CERTIFICATE");
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (byte[] der : ders) out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(der)));
    } catch (CertificateException e) {
      throw new IllegalArgumentException(setting + ": " + file + " holds a certificate that does not parse (" + e.getMessage() + ")");
    }
    return out;
  }

  /** An unencrypted PKCS#8 key (RSA or EC), as Vert.x and cert-manager ({@code encoding: PKCS8}) have it. */
  private static PrivateKey privateKey(Path file, String pem) {
    List<byte[]> ders = blocks("EVENTBUS_TLS_KEY", file, pem, "PRIVATE KEY");
    if (ders.size() != 1) {
      String other = pem.contains("-----BEGIN RSA PRIVATE KEY") || pem.contains("-----BEGIN EC PRIVATE KEY")
          ? " (it is PKCS#1/SEC1: convert with `openssl pkcs8 -topk8 -nocrypt`, or set the Certificate's privateKey.encoding: PKCS8)"
          : pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY") ? " (it is encrypted: the key must be unencrypted)" : "";
      throw new IllegalArgumentException("EVENTBUS_TLS_KEY: " + file + " must hold exactly one unencrypted PKCS#8 PEM key "
          + "(-----BEGIN PRIVATE KEY-----)" + other);
    }
    for (String alg : List.of("RSA", "EC")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(ders.get(0)));
      } catch (GeneralSecurityException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IllegalArgumentException("EVENTBUS_TLS_KEY: " + file + " is not an RSA or EC private key");
  }

  private static void valid(String setting, X509Certificate c, Instant now) {
    try {
      c.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new IllegalArgumentException(setting + ": certificate " + c.getSubjectX500Principal() + " expired on " + c.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new IllegalArgumentException(setting + ": certificate " + c.getSubjectX500Principal() + " is not valid before " + c.getNotBefore().toInstant());
    }
  }

  private static void usableBothWays(X509Certificate cert) {
    List<String> eku;
    try {
      eku = cert.getExtendedKeyUsage();
    } catch (CertificateException e) {
      throw new IllegalArgumentException("EVENTBUS_TLS_CERT: its extended key usage does not parse (" + e.getMessage() + ")");
    }
    if (eku != null && !(eku.contains(SERVER_AUTH) && eku.contains(CLIENT_AUTH))) {
      throw new IllegalArgumentException("EVENTBUS_TLS_CERT: the certificate must allow both server auth and client auth "
          + "(each node accepts and opens connections), it allows " + eku);
    }
  }

  /** The key signs, the certificate's public key verifies: they belong together. */
  private static void matches(X509Certificate cert, PrivateKey key) {
    PublicKey pub = cert.getPublicKey();
    if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("EVENTBUS_TLS_KEY is an " + key.getAlgorithm() + " key, EVENTBUS_TLS_CERT holds an "
          + pub.getAlgorithm() + " key: they are not a pair");
    }
    String alg = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "tandem event bus: does this key belong to this certificate?".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(probe);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(probe);
      if (v.verify(sig)) return;
    } catch (GeneralSecurityException e) {
      // fall through: not a pair
    }
    throw new IllegalArgumentException("EVENTBUS_TLS_KEY does not match the certificate in EVENTBUS_TLS_CERT ("
        + cert.getSubjectX500Principal() + ")");
  }

  /** The node's own chain ends at one of the CA's certificates (PKIX, no revocation lists). */
  private static void verifies(List<X509Certificate> chain, List<X509Certificate> cas, Instant now) {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate ca : cas) anchors.add(new TrustAnchor(ca, null));
    List<X509Certificate> path = chain.stream().filter(c -> !cas.contains(c)).toList();
    try {
      PKIXParameters p = new PKIXParameters(anchors);
      p.setRevocationEnabled(false);
      p.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), p);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("EVENTBUS_TLS_CA does not verify the certificate in EVENTBUS_TLS_CERT ("
          + chain.get(0).getSubjectX500Principal() + "): " + e.getMessage());
    }
  }
}
