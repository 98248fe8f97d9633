package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tandem.deploy.Manifests.Kustomization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Real kustomize builds ({@code kubectl kustomize}, offline) of every overlay, and of each component
 * on top of base and of production (each component production does not use, one at a time). Skipped, with a message, where kubectl is not installed.
 */
final class Render {
  /** A build: its name, the folder built, the output. */
  record Build(String name, Path dir, String yaml, Bundle bundle) {}

  private static Boolean available;
  private static Map<String, Build> builds;

  private Render() {}

  static synchronized boolean available() {
    if (available == null) {
      try {
        Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (IOException e) {
        available = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        available = false;
      }
    }
    return available;
  }

  static void assumeAvailable() {
    Assumptions.assumeTrue(available(), "kubectl is not installed: the kustomize builds are not checked here");
  }

  /**
   * Components that take another one's place: adding the key to an overlay that uses the value
   * removes the value (external-redis replaces the in-cluster Redis with Sentinel).
   */
  static final Map<String, String> REPLACES = Map.of("external-redis", "redis-sentinel");

  /**
   * The builds, by name: each Kustomization folder; base + each component; production + each
   * component it does not use yet (taking the place of the one it replaces, see {@link #REPLACES}).
   */
  static synchronized Map<String, Build> builds() {
    if (builds != null) return builds;
    assumeAvailable();
    Map<String, Build> out = new LinkedHashMap<>();
    Path k8s = Repo.k8s();
    List<Path> components = new ArrayList<>();
    for (Kustomization k : Manifests.kustomizations()) {
      String name = Repo.rel(k.dir()).replace('\\', '/');
      if (k.isComponent()) {
        components.add(k.dir());
      } else {
        out.put(name, build(name, k.dir()));
      }
    }
    Path base = k8s.resolve("base");
    Path production = k8s.resolve("overlays/production");
    for (Path c : components) {
      String name = "k8s/base+" + c.getFileName();
      out.put(name, build(name, variant(name, base, List.of(c))));
    }
    if (Files.isDirectory(production)) {
      Kustomization overlay = Manifests.kustomization(Kustomize.kustomizationFile(production));
      List<Path> used = overlay.list("components").stream().map(o -> production.resolve(String.valueOf(o)).normalize()).toList();
      for (Path c : components) {
        if (used.contains(c.normalize())) continue;
        String name = "k8s/overlays/production+" + c.getFileName();
        String replaced = REPLACES.get(c.getFileName().toString());
        List<Path> keep = used.stream().filter(u -> !u.getFileName().toString().equals(replaced)).toList();
        // The copy lists the overlay's own files from outside their folder: allowed for this build only.
        out.put(name, build(name, overlayVariant(name, overlay, keep, c), "--load-restrictor=LoadRestrictionsNone"));
      }
    }
    builds = out;
    return out;
  }

  /** A build of {@code dir} with one key of one (generated) ConfigMap set to another value. */
  static Build withSetting(String name, Path dir, String configMap, String key, String value) {
    assumeAvailable();
    Path variant = variantDir(name);
    String patch = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + configMap + "\ndata:\n  " + key + ": \"" + value + "\"\n";
    write(variant, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- " + rel(variant, dir)
        + "\npatches:\n- patch: |-\n" + patch.indent(4));
    return build(name, variant);
  }

  /** The production overlay, plus the component (or null), built with another host name in its site.yaml. */
  static Build withSite(String name, String host, Path component) {
    assumeAvailable();
    Path production = Repo.k8s().resolve("overlays/production");
    Kustomization overlay = Manifests.kustomization(Kustomize.kustomizationFile(production));
    List<Path> used = overlay.list("components").stream().map(o -> production.resolve(String.valueOf(o)).normalize()).toList();
    String site = Repo.read(production.resolve("site.yaml")).replaceAll("(?m)^(\\s+host:).*$", "$1 " + host);
    return build(name, overlayVariant(name, overlay, used, component, Map.of("site.yaml", site)), "--load-restrictor=LoadRestrictionsNone");
  }

  /** The builds whose name starts with the prefix. */
  static List<Build> builds(String prefix) {
    return builds().values().stream().filter(b -> b.name().startsWith(prefix)).toList();
  }

  /** The builds that include a component (by folder name): directly, or through the overlay that uses it. */
  static List<Build> buildsWith(String component) {
    List<Build> out = new ArrayList<>();
    for (Build b : builds().values()) {
      if (b.name().endsWith("+" + component)) {
        out.add(b);
        continue;
      }
      Path file = Kustomize.kustomizationFile(b.dir());
      if (file == null) continue;
      Kustomization k = Manifests.kustomization(file);
      if (k.list("components").stream().anyMatch(c -> Path.of(String.valueOf(c)).getFileName().toString().equals(component))) out.add(b);
    }
    return out;
  }

  /** A kustomization in target/ that puts the components on top of the resource folder. */
  private static Path variant(String name, Path resource, List<Path> components) {
    Path dir = variantDir(name);
    StringBuilder y = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
    y.append("- ").append(rel(dir, resource)).append('\n');
    y.append("components:\n");
    for (Path c : components) y.append("- ").append(rel(dir, c)).append('\n');
    write(dir, y.toString());
    return dir;
  }

  /**
   * A copy of an overlay's kustomization in target/ (its paths rebased) whose components are
   * {@code keep} plus {@code extra}.
   */
  private static Path overlayVariant(String name, Kustomization overlay, List<Path> keep, Path extra) {
    return overlayVariant(name, overlay, keep, extra, Map.of());
  }

  /** As above; {@code replace} maps a resource file name of the overlay to the text the copy uses instead. */
  private static Path overlayVariant(String name, Kustomization overlay, List<Path> keep, Path extra, Map<String, String> replace) {
    Path dir = variantDir(name);
    Map<String, Object> fields = new LinkedHashMap<>(overlay.fields());
    for (String f : List.of("crds", "configurations", "generators", "transformers", "validators", "configMapGenerator", "helmCharts")) {
      if (fields.containsKey(f)) throw new IllegalStateException(Repo.rel(overlay.file()) + ": cannot rebase field " + f + " for variant " + name);
    }
    List<String> resources = new ArrayList<>();
    for (Object r : overlay.list("resources")) {
      String text = replace.get(String.valueOf(r));
      if (text == null) {
        resources.add(rel(dir, overlay.dir().resolve(String.valueOf(r))));
        continue;
      }
      try {
        Files.writeString(dir.resolve(String.valueOf(r)), text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      resources.add(String.valueOf(r));
    }
    fields.put("resources", resources);
    List<String> components = new ArrayList<>();
    for (Path c : keep) components.add(rel(dir, c));
    if (extra != null) components.add(rel(dir, extra));
    fields.put("components", components);
    List<Map<String, Object>> patches = new ArrayList<>();
    for (Map<String, Object> p : overlay.patches()) {
      Map<String, Object> copy = new LinkedHashMap<>(p);
      if (p.get("path") instanceof String s) copy.put("path", rel(dir, overlay.dir().resolve(s)));
      patches.add(copy);
    }
    if (!patches.isEmpty()) fields.put("patches", patches);
    try {
      write(dir, Manifests.YAML.writeValueAsString(fields));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static Path variantDir(String name) {
    Path dir = Path.of("target", "kustomize-variants", name.replaceAll("[^A-Za-z0-9+_-]", "_")).toAbsolutePath();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  private static void write(Path dir, String kustomization) {
    try {
      Files.writeString(dir.resolve("kustomization.yaml"), kustomization, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rel(Path from, Path to) {
    return from.relativize(to.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  /** Runs {@code kubectl kustomize dir}; fails the calling test with kustomize's message. */
  static Build build(String name, Path dir, String... flags) {
    try {
      Path err = Files.createTempFile(Path.of("target").toAbsolutePath(), "kustomize", ".err");
      List<String> command = new ArrayList<>(List.of("kubectl", "kustomize", dir.toString()));
      command.addAll(List.of(flags));
      Process p = new ProcessBuilder(command)
          .redirectError(err.toFile()).start();
      String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + name + " did not finish in 120 s");
      }
      String stderr = Files.readString(err);
      Files.deleteIfExists(err);
      if (p.exitValue() != 0) throw new AssertionError("kubectl kustomize " + name + " failed:\n" + stderr);
      List<HasMetadata> objects = Manifests.parse(yaml);
      return new Build(name, dir, yaml, new Bundle(name, objects));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
