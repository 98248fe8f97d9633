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
 * on top of base and of production. Skipped, with a message, where kubectl is not installed.
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

  /** The builds, by name: each Kustomization folder, base + each component, production + every component. */
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
    if (Files.isDirectory(production) && !components.isEmpty()) {
      String name = "k8s/overlays/production+all-components";
      out.put(name, build(name, variant(name, production, components)));
    }
    builds = out;
    return out;
  }

  /** The builds whose name starts with the prefix. */
  static List<Build> builds(String prefix) {
    return builds().values().stream().filter(b -> b.name().startsWith(prefix)).toList();
  }

  /** A kustomization in target/ that puts the components on top of the resource folder. */
  private static Path variant(String name, Path resource, List<Path> components) {
    Path dir = Path.of("target", "kustomize-variants", name.replaceAll("[^A-Za-z0-9+_-]", "_")).toAbsolutePath();
    try {
      Files.createDirectories(dir);
      StringBuilder y = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
      y.append("- ").append(rel(dir, resource)).append('\n');
      y.append("components:\n");
      for (Path c : components) y.append("- ").append(rel(dir, c)).append('\n');
      Files.writeString(dir.resolve("kustomization.yaml"), y.toString(), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rel(Path from, Path to) {
    return from.relativize(to.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }

  /** Runs {@code kubectl kustomize dir}; fails the calling test with kustomize's message. */
  static Build build(String name, Path dir) {
    try {
      Path err = Files.createTempFile(Path.of("target").toAbsolutePath(), "kustomize", ".err");
      Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString())
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
