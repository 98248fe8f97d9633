package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tandem.deploy.Manifests.Kustomization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The structure of the kustomize tree: which fields are allowed, what each entry points at. */
final class Kustomize {
  static final String KUSTOMIZATION_API = "kustomize.config.k8s.io/v1beta1";
  static final String COMPONENT_API = "kustomize.config.k8s.io/v1alpha1";

  /** Fields of kustomize v5 that are current. */
  static final Set<String> CURRENT_FIELDS = Set.of(
      "apiVersion", "kind", "metadata", "resources", "components", "patches", "labels", "namespace",
      "namePrefix", "nameSuffix", "commonAnnotations", "images", "replicas", "replacements",
      "configMapGenerator", "generatorOptions", "sortOptions", "crds", "openapi", "helmCharts",
      "helmGlobals", "configurations", "generators", "transformers", "validators", "buildMetadata");

  /** Deprecated fields and what replaces them. */
  static final Map<String, String> DEPRECATED = Map.of(
      "commonLabels", "labels",
      "patchesStrategicMerge", "patches",
      "patchesJson6902", "patches",
      "bases", "resources",
      "vars", "replacements",
      "imageTags", "images",
      "helmChartInflationGenerator", "helmCharts");

  /** Fields this project refuses although kustomize has them. */
  static final Map<String, String> REFUSED = Map.of(
      "secretGenerator", "secrets are created by the platform team (docs/deploy.md), never generated from files in git");

  private Kustomize() {}

  /** Problems with a kustomization's fields (deprecated, refused, unknown, wrong apiVersion/kind). */
  static List<String> fieldProblems(Kustomization k) {
    List<String> out = new ArrayList<>();
    String where = Repo.rel(k.file());
    Object kind = k.fields().get("kind");
    Object api = k.fields().get("apiVersion");
    if ("Kustomization".equals(kind)) {
      if (!KUSTOMIZATION_API.equals(api)) out.add(where + ": kind Kustomization needs apiVersion " + KUSTOMIZATION_API + ", got " + api);
    } else if ("Component".equals(kind)) {
      if (!COMPONENT_API.equals(api)) out.add(where + ": kind Component needs apiVersion " + COMPONENT_API + ", got " + api);
    } else {
      out.add(where + ": kind must be Kustomization or Component, got " + kind);
    }
    for (String field : k.fields().keySet()) {
      if (DEPRECATED.containsKey(field)) {
        out.add(where + ": deprecated field '" + field + "' (use '" + DEPRECATED.get(field) + "')");
      } else if (REFUSED.containsKey(field)) {
        out.add(where + ": field '" + field + "' is not allowed: " + REFUSED.get(field));
      } else if (!CURRENT_FIELDS.contains(field)) {
        out.add(where + ": unknown field '" + field + "'");
      }
    }
    for (Map<String, Object> p : k.patches()) {
      boolean hasPath = p.get("path") instanceof String;
      boolean hasPatch = p.get("patch") instanceof String;
      if (hasPath == hasPatch) out.add(where + ": each patches entry needs exactly one of path or patch: " + p);
      for (String f : p.keySet()) {
        if (!Set.of("path", "patch", "target", "options").contains(f)) out.add(where + ": unknown field '" + f + "' in a patches entry");
      }
    }
    for (Object l : k.list("labels")) {
      if (!(l instanceof Map<?, ?> m) || !(m.get("pairs") instanceof Map<?, ?>)) out.add(where + ": each labels entry needs pairs: " + l);
    }
    return out;
  }

  /** Problems with what a kustomization points at: missing files or folders, remote or wrong-kind targets. */
  static List<String> referenceProblems(Kustomization k) {
    List<String> out = new ArrayList<>();
    String where = Repo.rel(k.file());
    for (Object r : k.list("resources")) {
      String s = String.valueOf(r);
      if (s.contains("://") || s.startsWith("github.com/")) {
        out.add(where + ": remote resource " + s + " (everything must be in this repository)");
        continue;
      }
      Path p = k.dir().resolve(s).normalize();
      if (Files.isDirectory(p)) {
        if (kustomizationFile(p) == null) out.add(where + ": resource folder " + s + " has no kustomization.yaml");
        else if (Manifests.kustomization(kustomizationFile(p)).isComponent()) out.add(where + ": resource " + s + " is a Component (list it under components:)");
      } else if (!Files.isRegularFile(p)) {
        out.add(where + ": resource " + s + " does not exist");
      }
    }
    for (Object c : k.list("components")) {
      String s = String.valueOf(c);
      Path p = k.dir().resolve(s).normalize();
      Path f = Files.isDirectory(p) ? kustomizationFile(p) : null;
      if (f == null) out.add(where + ": component " + s + " is not a folder with a kustomization.yaml");
      else if (!Manifests.kustomization(f).isComponent()) out.add(where + ": component " + s + " is not of kind Component");
    }
    for (Map<String, Object> p : k.patches()) {
      if (p.get("path") instanceof String s && !Files.isRegularFile(k.dir().resolve(s).normalize())) {
        out.add(where + ": patch file " + s + " does not exist");
      }
    }
    for (Object g : k.list("configMapGenerator")) {
      if (!(g instanceof Map<?, ?> m)) continue;
      for (String field : List.of("files", "envs")) {
        if (m.get(field) instanceof List<?> l) {
          for (Object f : l) {
            String s = String.valueOf(f);
            String path = s.contains("=") ? s.substring(s.indexOf('=') + 1) : s;
            if (!Files.isRegularFile(k.dir().resolve(path).normalize())) out.add(where + ": configMapGenerator file " + path + " does not exist");
          }
        }
      }
    }
    for (String field : List.of("crds", "configurations", "generators", "transformers", "validators")) {
      for (Object f : k.list(field)) {
        if (f instanceof String s && !Files.exists(k.dir().resolve(s).normalize())) out.add(where + ": " + field + " entry " + s + " does not exist");
      }
    }
    return out;
  }

  static Path kustomizationFile(Path dir) {
    for (String n : Manifests.KUSTOMIZATION_NAMES) {
      Path f = dir.resolve(n);
      if (Files.isRegularFile(f)) return f;
    }
    return null;
  }

  /** Files a kustomization uses directly (resources that are files, patch files, generator files). */
  static Set<Path> usedFiles(Kustomization k) {
    Set<Path> out = new LinkedHashSet<>();
    for (Object r : k.list("resources")) {
      Path p = k.dir().resolve(String.valueOf(r)).normalize();
      if (Files.isRegularFile(p)) out.add(p);
    }
    for (Map<String, Object> p : k.patches()) {
      if (p.get("path") instanceof String s) out.add(k.dir().resolve(s).normalize());
    }
    for (Object g : k.list("configMapGenerator")) {
      if (!(g instanceof Map<?, ?> m)) continue;
      for (String field : List.of("files", "envs")) {
        if (m.get(field) instanceof List<?> l) {
          for (Object f : l) {
            String s = String.valueOf(f);
            out.add(k.dir().resolve(s.contains("=") ? s.substring(s.indexOf('=') + 1) : s).normalize());
          }
        }
      }
    }
    return out;
  }

  /**
   * The objects a kustomization builds on before its own patches: its resource files and, through
   * resource folders and components, theirs (patches are not applied; see RenderedOverlaysTest for
   * the real build).
   */
  static Map<String, HasMetadata> accumulate(Path dir) {
    Map<String, HasMetadata> out = new LinkedHashMap<>();
    accumulate(dir, out, new LinkedHashSet<>());
    return out;
  }

  private static void accumulate(Path dir, Map<String, HasMetadata> out, Set<Path> seen) {
    Path file = kustomizationFile(dir);
    if (file == null || !seen.add(dir.normalize())) return;
    Kustomization k = Manifests.kustomization(file);
    for (Object r : k.list("resources")) {
      Path p = dir.resolve(String.valueOf(r)).normalize();
      if (Files.isDirectory(p)) {
        accumulate(p, out, seen);
      } else if (Files.isRegularFile(p)) {
        for (HasMetadata h : Manifests.parse(p)) out.put(UnknownFields.id(h), h);
      }
    }
    for (Object c : k.list("components")) accumulate(dir.resolve(String.valueOf(c)).normalize(), out, seen);
    for (ConfigMap g : generatedConfigMaps(k)) {
      String id = UnknownFields.id(g);
      if (!out.containsKey(id)) out.put(id, g);
    }
  }

  /**
   * The ConfigMaps a kustomization's configMapGenerator makes (keys from {@code envs} files,
   * {@code literals} and {@code files}), under their generator name (the build adds the hash).
   * Entries with {@code behavior: merge} or {@code replace} change a parent's and make none here.
   */
  static List<ConfigMap> generatedConfigMaps(Kustomization k) {
    List<ConfigMap> out = new ArrayList<>();
    for (Object g : k.list("configMapGenerator")) {
      if (!(g instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)) continue;
      if (m.get("behavior") != null && !"create".equals(m.get("behavior"))) continue;
      Map<String, String> data = new LinkedHashMap<>();
      if (m.get("envs") instanceof List<?> envs) for (Object f : envs) data.putAll(envFile(k.dir().resolve(String.valueOf(f))));
      if (m.get("literals") instanceof List<?> literals) {
        for (Object l : literals) {
          String s = String.valueOf(l);
          int eq = s.indexOf('=');
          if (eq > 0) data.put(s.substring(0, eq), s.substring(eq + 1));
        }
      }
      if (m.get("files") instanceof List<?> files) {
        for (Object f : files) {
          String s = String.valueOf(f);
          String key = s.contains("=") ? s.substring(0, s.indexOf('=')) : Path.of(s).getFileName().toString();
          String path = s.contains("=") ? s.substring(s.indexOf('=') + 1) : s;
          Path file = k.dir().resolve(path).normalize();
          if (Files.isRegularFile(file)) data.put(key, Repo.read(file));
        }
      }
      out.add(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build());
    }
    return out;
  }

  /** An env file as kustomize reads it: KEY=VALUE lines (the value verbatim), # comments and blank lines skipped. */
  static Map<String, String> envFile(Path file) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) return out;
    for (String line : Repo.read(file).split("\n", -1)) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) continue;
      int eq = line.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException(Repo.rel(file) + ": not KEY=VALUE: " + line);
      out.put(line.substring(0, eq).strip(), line.substring(eq + 1));
    }
    return out;
  }

  /** Whether some accumulated object matches a patch target ({@code kind}, {@code name}, {@code group}, {@code version}). */
  static boolean matches(Map<String, HasMetadata> objects, Map<?, ?> target) {
    for (HasMetadata h : objects.values()) {
      if (target.get("kind") != null && !target.get("kind").equals(h.getKind())) continue;
      if (target.get("name") != null && !target.get("name").equals(h.getMetadata().getName())) continue;
      String api = h.getApiVersion();
      String group = api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
      String version = api.contains("/") ? api.substring(api.indexOf('/') + 1) : api;
      if (target.get("group") != null && !target.get("group").equals(group)) continue;
      if (target.get("version") != null && !target.get("version").equals(version)) continue;
      return true;
    }
    return false;
  }
}
