package io.tandem.webclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shield's vendored model and runtime (webroot/vendor/, written by scripts/update-shield-vendor.sh)
 * are exactly the files the manifest names, byte for byte, each with its package's licence.
 */
class VendoredFilesTest {
  static final Path VENDOR = Path.of("src/main/resources/webroot/vendor");
  static final Path MANIFEST = VENDOR.resolve("shield-manifest.json");
  /** Licences the project accepts for vendored browser code. */
  static final Set<String> LICENSES = Set.of("MIT", "Apache-2.0");

  @Test
  void everyVendoredFileMatchesItsChecksumAndLicence() throws Exception {
    List<JsonObject> files = manifestFiles();
    assertFalse(files.isEmpty(), "the manifest lists files");
    for (JsonObject f : files) {
      Path file = VENDOR.resolve(f.getString("path"));
      assertTrue(Files.isRegularFile(file), "vendored file present: " + file);
      assertEquals(f.getString("sha256"), sha256(file), "SHA-256 of " + f.getString("path")
          + " (re-run web-client/scripts/update-shield-vendor.sh, never edit vendored files)");
      assertTrue(LICENSES.contains(f.getString("license")), "licence of " + f.getString("path") + ": " + f.getString("license"));
      assertTrue(f.getString("package").matches("[@a-z0-9/._-]+@\\d+\\.\\d+\\.\\d+"), "pinned version: " + f.getString("package"));
    }
  }

  @Test
  void nothingIsVendoredThatTheManifestDoesNotName() throws Exception {
    Set<String> named = manifestFiles().stream().map(f -> f.getString("path")).collect(Collectors.toCollection(TreeSet::new));
    Set<String> present;
    try (Stream<Path> walk = Files.walk(VENDOR)) {
      present = walk.filter(Files::isRegularFile).filter(p -> !p.equals(MANIFEST))
          .map(p -> VENDOR.relativize(p).toString().replace('\\', '/')).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(named, present);
  }

  @Test
  void theScriptPinsTheVersionsTheManifestRecords() throws Exception {
    String script = Files.readString(Path.of("scripts/update-shield-vendor.sh"));
    for (JsonObject f : manifestFiles()) {
      String pkg = f.getString("package");
      String version = pkg.substring(pkg.lastIndexOf('@') + 1);
      String folder = f.getString("path").substring(0, f.getString("path").indexOf('/'));
      assertTrue(folder.endsWith("-" + version), "folder names the version (immutable URLs): " + folder);
      assertTrue(script.contains("VERSION=" + version), "script pins " + pkg);
    }
  }

  private static List<JsonObject> manifestFiles() throws IOException {
    JsonObject manifest = new JsonObject(Files.readString(MANIFEST));
    return manifest.getJsonArray("files").stream().map(o -> (JsonObject) o).toList();
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
