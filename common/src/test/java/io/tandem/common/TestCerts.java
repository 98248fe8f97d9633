package io.tandem.common;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A certificate authority made with the openssl CLI in a folder under {@code target/}, issuing node
 * certificates (EC P-256, PKCS#8 keys) as the event bus takes them. Under CI ({@code CI=true}) a
 * missing openssl fails the test; on a laptop it skips with a message.
 */
public final class TestCerts {
  /** Extended key usage of a node certificate: it serves and connects. */
  public static final String BOTH_WAYS = "serverAuth,clientAuth";

  /** A node's files. */
  public record Node(Path cert, Path key) {}

  private final Path dir;
  private final Path caCert;
  private final Path caKey;

  private TestCerts(Path dir, Path caCert, Path caKey) {
    this.dir = dir;
    this.caCert = caCert;
    this.caKey = caKey;
  }

  /** A new CA named {@code name} in a fresh folder under target/. */
  public static TestCerts authority(String name) throws Exception {
    Path dir = Path.of("target", "test-certs", name + "-" + UUID.randomUUID()).toAbsolutePath();
    Files.createDirectories(dir);
    TestCerts ca = new TestCerts(dir, dir.resolve("ca.crt"), dir.resolve("ca.key"));
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
        "-out", "ca.crt", "-days", "3650", "-subj", "/CN=" + name);
    return ca;
  }

  public Path caCert() {
    return caCert;
  }

  /** A node certificate valid for {@code days} with this extended key usage (null: none listed). */
  public Node issue(String name, int days, String extendedKeyUsage) throws Exception {
    openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", name + ".key",
        "-out", name + ".csr", "-subj", "/CN=" + name);
    List<String> ext = new ArrayList<>(List.of("basicConstraints=CA:FALSE", "keyUsage=digitalSignature,keyEncipherment"));
    if (extendedKeyUsage != null) ext.add("extendedKeyUsage=" + extendedKeyUsage);
    Files.write(dir.resolve(name + ".ext"), ext);
    openssl(dir, "x509", "-req", "-in", name + ".csr", "-CA", caCert.toString(), "-CAkey", caKey.toString(),
        "-set_serial", "0x" + UUID.randomUUID().toString().replace("-", ""), "-days", Integer.toString(days),
        "-extfile", name + ".ext", "-out", name + ".crt");
    return new Node(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
  }

  /** A node certificate for the event bus: a year, both ways. */
  public Node issue(String name) throws Exception {
    return issue(name, 365, BOTH_WAYS);
  }

  /** The same key in SEC1 form ({@code -----BEGIN EC PRIVATE KEY-----}), which the event bus refuses. */
  public Path sec1(Node node) throws Exception {
    Path out = dir.resolve(node.key().getFileName() + ".sec1");
    openssl(dir, "ec", "-in", node.key().toString(), "-out", out.toString());
    return out;
  }

  /** The settings that turn event-bus TLS on with this node's files. */
  public Map<String, String> settings(Node node) {
    Map<String, String> m = new HashMap<>();
    m.put("EVENTBUS_TLS", "on");
    m.put("EVENTBUS_TLS_CERT", node.cert().toString());
    m.put("EVENTBUS_TLS_KEY", node.key().toString());
    m.put("EVENTBUS_TLS_CA", caCert.toString());
    return m;
  }

  private static void openssl(Path dir, String... args) throws Exception {
    String bin = onPath("openssl");
    if (bin == null) {
      String why = "event-bus TLS tests make their certificates with openssl (apt-get install openssl)";
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(why);
      Assumptions.abort(why);
    }
    List<String> cmd = new ArrayList<>(List.of(bin));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + out);
  }

  private static String onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File f = new File(d, name);
      if (f.canExecute()) return f.getPath();
    }
    return null;
  }
}
