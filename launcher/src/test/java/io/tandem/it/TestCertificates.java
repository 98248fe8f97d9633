package io.tandem.it;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and server certificates for 127.0.0.1 made with the openssl command line, laid out as
 * kubelet lays out a mounted kubernetes.io/tls Secret: {@code tls.crt} and {@code tls.key} are links
 * into {@code ..data}, itself a link to a timestamped folder, swapped in one rename when the Secret
 * changes ({@link #renew}), which is what coturn's reload sidecar sees after cert-manager renews.
 */
final class TestCertificates {
  static final Path OPENSSL = Path.of("/usr/bin/openssl");

  final Path dir;
  /** The mounted Secret's folder (what coturn's cert= and pkey= point into). */
  final Path secret;
  final Path ca;
  private final Path caKey;
  private int version;
  /** SPKI SHA-256 (base64) of every server key made so far: what Chromium is told to accept. */
  final List<String> spkiHashes = new ArrayList<>();

  TestCertificates(Path dir) throws Exception {
    this.dir = dir;
    this.secret = Files.createDirectories(dir.resolve("tls"));
    this.ca = dir.resolve("ca.crt");
    this.caKey = dir.resolve("ca.key");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
        "-subj", "/CN=Tandem test CA", "-keyout", caKey.toString(), "-out", ca.toString());
    renew();
  }

  /** Fails under CI=true when openssl is missing; skips otherwise. */
  static void require() {
    RedisServers.require(OPENSSL);
  }

  /** Issues a new key and certificate (CN turn-N) and swaps the Secret folder to them. */
  void renew() throws Exception {
    version++;
    Path v = Files.createDirectories(secret.resolve("..v" + version));
    Path csr = dir.resolve("server-" + version + ".csr");
    Path ext = dir.resolve("server.ext");
    Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=turn-" + version,
        "-keyout", v.resolve("tls.key").toString(), "-out", csr.toString());
    openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
        "-days", "2", "-extfile", ext.toString(), "-out", v.resolve("tls.crt").toString());
    spkiHashes.add(spki(v.resolve("tls.crt")));
    Path next = secret.resolve("..data_tmp");
    Files.deleteIfExists(next);
    Files.createSymbolicLink(next, v.getFileName());
    Files.move(next, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String f : List.of("tls.crt", "tls.key")) {
      if (!Files.exists(secret.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createSymbolicLink(secret.resolve(f), Path.of("..data", f));
    }
  }

  /** The subject CN of the certificate a TLS server on 127.0.0.1:port presents, verified against the test CA. */
  String servedCommonName(int port) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(ca)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.startHandshake();
      X509Certificate c = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return c.getSubjectX500Principal().getName().replace("CN=", "");
    }
  }

  /** base64(SHA-256(SubjectPublicKeyInfo)) of a certificate: Chromium's --ignore-certificate-errors-spki-list format. */
  static String spki(Path cert) throws Exception {
    try (InputStream in = Files.newInputStream(cert)) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(c.getPublicKey().getEncoded()));
    }
  }

  private void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(OPENSSL.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
  }
}
