package io.tandem.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The YAML under k8s/: kustomization files, resource files and patches, parsed. */
final class Manifests {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = JsonMapper.builder().build();
  static final Set<String> KUSTOMIZATION_NAMES = Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /** A kustomization file (kind Kustomization or Component) as plain YAML. */
  record Kustomization(Path dir, Path file, Map<String, Object> fields) {
    boolean isComponent() {
      return "Component".equals(fields.get("kind"));
    }

    @SuppressWarnings("unchecked")
    List<Object> list(String field) {
      Object v = fields.get(field);
      return v instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** The entries of {@code patches:} as maps. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> patches() {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Object o : list("patches")) if (o instanceof Map<?, ?> m) out.add((Map<String, Object>) m);
      return out;
    }
  }

  /** One inline patch ({@code patches: - patch: |-}) of a kustomization. */
  record InlinePatch(Kustomization owner, int index, String text) {
    String where() {
      return Repo.rel(owner.file()) + " patches[" + index + "]";
    }
  }

  private Manifests() {}

  /** Every YAML file under k8s/ (kustomization files included). */
  static List<Path> yamlFiles() {
    List<Path> out = new ArrayList<>(Repo.files(Repo.k8s(), ".yaml", ".yml"));
    out.addAll(Repo.files(Repo.k8s(), "Kustomization").stream().filter(p -> p.getFileName().toString().equals("Kustomization")).toList());
    return out.stream().sorted().toList();
  }

  static boolean isKustomizationFile(Path p) {
    return KUSTOMIZATION_NAMES.contains(p.getFileName().toString());
  }

  static List<Kustomization> kustomizations() {
    List<Kustomization> out = new ArrayList<>();
    for (Path p : yamlFiles()) if (isKustomizationFile(p)) out.add(kustomization(p));
    return out;
  }

  @SuppressWarnings("unchecked")
  static Kustomization kustomization(Path file) {
    try {
      Object v = YAML.readValue(file.toFile(), Object.class);
      if (!(v instanceof Map<?, ?>)) throw new IllegalStateException(Repo.rel(file) + " is not a YAML mapping");
      return new Kustomization(file.getParent(), file, (Map<String, Object>) v);
    } catch (IOException e) {
      throw new UncheckedIOException(Repo.rel(file) + ": " + e.getMessage(), e);
    }
  }

  /** Files referenced as {@code patches: - path:} by some kustomization (they hold partial objects or JSON 6902 ops). */
  static Set<Path> patchFiles() {
    Set<Path> out = new LinkedHashSet<>();
    for (Kustomization k : kustomizations()) {
      for (Map<String, Object> p : k.patches()) {
        if (p.get("path") instanceof String s) out.add(k.dir().resolve(s).normalize());
      }
    }
    return out;
  }

  /** Every inline patch of every kustomization. */
  static List<InlinePatch> inlinePatches() {
    List<InlinePatch> out = new ArrayList<>();
    for (Kustomization k : kustomizations()) {
      List<Map<String, Object>> ps = k.patches();
      for (int i = 0; i < ps.size(); i++) {
        if (ps.get(i).get("patch") instanceof String s) out.add(new InlinePatch(k, i, s));
      }
    }
    return out;
  }

  /** YAML files holding Kubernetes objects to create (not kustomization files, not patches). */
  static List<Path> resourceFiles() {
    Set<Path> patches = patchFiles();
    return yamlFiles().stream().filter(p -> !isKustomizationFile(p) && !patches.contains(p.normalize())).toList();
  }

  /** Whether a YAML text's first document is a sequence (a JSON 6902 patch). */
  static boolean isOperationList(String yaml) {
    try {
      JsonNode n = YAML.readTree(yaml);
      return n != null && n.isArray();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The typed objects of a YAML text, through {@code KubernetesSerialization.unmarshal}: several
   * documents give several objects; a wrong type or malformed value throws.
   */
  static List<HasMetadata> parse(String yaml) {
    Object o = SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> out = new ArrayList<>();
    if (o == null) return out;
    Collection<?> items = o instanceof Collection<?> c ? c : List.of(o);
    for (Object item : items) {
      if (!(item instanceof HasMetadata h)) {
        throw new IllegalArgumentException("not a Kubernetes object: " + (item == null ? "null" : item.getClass().getSimpleName()));
      }
      out.add(h);
    }
    return out;
  }

  static List<HasMetadata> parse(Path file) {
    return parse(Repo.read(file));
  }

  /** The JSON 6902 operations of a patch text, as plain maps. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> operations(String yaml) {
    try {
      return YAML.readValue(yaml, List.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Problems of a JSON 6902 operation list (RFC 6902: op, path, value/from as each op needs). */
  static List<String> operationProblems(List<Map<String, Object>> ops) {
    List<String> out = new ArrayList<>();
    Set<String> known = Set.of("add", "remove", "replace", "move", "copy", "test");
    for (int i = 0; i < ops.size(); i++) {
      Map<String, Object> op = ops.get(i);
      Object name = op.get("op");
      Object path = op.get("path");
      if (!(name instanceof String n) || !known.contains(n)) {
        out.add("[" + i + "] op must be one of " + known + ", got " + name);
        continue;
      }
      if (!(path instanceof String p) || !p.startsWith("/")) out.add("[" + i + "] path must start with '/', got " + path);
      if (Set.of("add", "replace", "test").contains(n) && !op.containsKey("value")) out.add("[" + i + "] " + n + " needs a value");
      if (Set.of("move", "copy").contains(n) && !(op.get("from") instanceof String)) out.add("[" + i + "] " + n + " needs from");
      for (String k : op.keySet()) {
        if (!Set.of("op", "path", "value", "from").contains(k)) out.add("[" + i + "] unknown field " + k);
      }
    }
    return out;
  }

  /** Every object of the resource files, by file. */
  static Map<Path, List<HasMetadata>> resources() {
    Map<Path, List<HasMetadata>> out = new LinkedHashMap<>();
    for (Path p : resourceFiles()) out.put(p, parse(p));
    return out;
  }

  /** Deep copy of an object (to break it in self-tests without touching the loaded one). */
  @SuppressWarnings("unchecked")
  static <T extends HasMetadata> T copy(T o) {
    return (T) SERIALIZATION.unmarshal(SERIALIZATION.asJson(o));
  }

  /** YAML of a plain value, for inline test documents. */
  static String yaml(Object value) {
    try {
      return new ObjectMapper(new YAMLFactory()).writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
