package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tandem.deploy.Manifests.Kustomization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kustomize tree is consistent: current fields only, every entry points at something real, nothing is left out. */
class KustomizeStructureTest {

  @Test
  void kustomizationsUseOnlyCurrentFields() {
    List<String> problems = new ArrayList<>();
    List<Kustomization> all = Manifests.kustomizations();
    assertTrue(all.size() >= 4, "expected base, two components and the production overlay, found " + all.size());
    for (Kustomization k : all) problems.addAll(Kustomize.fieldProblems(k));
    assertTrue(problems.isEmpty(), "kustomization fields:" + Checks.lines(problems));
  }

  @Test
  void everyReferencedFileAndFolderExists() {
    List<String> problems = new ArrayList<>();
    for (Kustomization k : Manifests.kustomizations()) problems.addAll(Kustomize.referenceProblems(k));
    assertTrue(problems.isEmpty(), "dangling kustomize references:" + Checks.lines(problems));
  }

  @Test
  void everyManifestFileIsUsedByTheKustomizationBesideIt() {
    List<String> problems = new ArrayList<>();
    for (Path file : Manifests.yamlFiles()) {
      if (Manifests.isKustomizationFile(file)) continue;
      Path k = Kustomize.kustomizationFile(file.getParent());
      if (k == null) {
        problems.add(Repo.rel(file) + ": no kustomization.yaml beside it");
      } else if (!Kustomize.usedFiles(Manifests.kustomization(k)).contains(file.normalize())) {
        problems.add(Repo.rel(file) + ": not listed in " + Repo.rel(k) + " (resources, patches or a generator)");
      }
    }
    assertTrue(problems.isEmpty(), "manifest files that no kustomization uses:" + Checks.lines(problems));
  }

  @Test
  void everyPatchTargetsAnObjectItCanReach() {
    List<String> problems = new ArrayList<>();
    Map<String, HasMetadata> base = Kustomize.accumulate(Repo.k8s().resolve("base"));
    Map<String, HasMetadata> production = Kustomize.accumulate(Repo.k8s().resolve("overlays/production"));
    for (Kustomization k : Manifests.kustomizations()) {
      // Components are written against base (they may be used with base or with any overlay of it);
      // a patch with a target may also adjust an object of the production overlay (elsewhere it
      // matches nothing and kustomize skips it).
      Map<String, HasMetadata> reachable = new LinkedHashMap<>(Kustomize.accumulate(k.dir()));
      if (k.isComponent()) reachable.putAll(base);
      Map<String, HasMetadata> targetable = new LinkedHashMap<>(reachable);
      if (k.isComponent()) targetable.putAll(production);
      List<Map<String, Object>> patches = k.patches();
      for (int i = 0; i < patches.size(); i++) {
        Map<String, Object> entry = patches.get(i);
        String where = Repo.rel(k.file()) + " patches[" + i + "]";
        if (entry.get("target") instanceof Map<?, ?> target) {
          if (!Kustomize.matches(targetable, target)) problems.add(where + ": target " + target + " matches no object");
          continue;
        }
        String text = entry.get("patch") instanceof String s ? s : Repo.read(k.dir().resolve(String.valueOf(entry.get("path"))));
        if (Manifests.isOperationList(text)) continue;
        for (HasMetadata h : Manifests.parse(text)) {
          Map<String, Object> t = Map.of("kind", h.getKind(), "name", h.getMetadata().getName());
          if (!Kustomize.matches(reachable, t)) problems.add(where + ": patches " + UnknownFields.id(h) + ", which it cannot reach");
        }
      }
    }
    assertTrue(problems.isEmpty(), "patches without a target:" + Checks.lines(problems));
  }

  @Test
  void theLayoutIsTheAgreedOne() {
    List<String> problems = new ArrayList<>();
    Path k8s = Repo.k8s();
    for (String module : Repo.serviceModules()) {
      Path file = k8s.resolve("base").resolve(module + ".yaml");
      if (!Files.isRegularFile(file)) {
        problems.add("k8s/base/" + module + ".yaml is missing (one file per service: Deployment + Service)");
        continue;
      }
      List<HasMetadata> objects = Manifests.parse(file);
      boolean deployment = objects.stream().anyMatch(o -> o instanceof Deployment && o.getMetadata().getName().equals(module));
      boolean service = objects.stream().anyMatch(o -> o instanceof Service && o.getMetadata().getName().equals(module));
      if (!deployment || !service || objects.size() != 2) problems.add(Repo.rel(file) + ": must hold exactly Deployment " + module + " and Service " + module);
      for (HasMetadata o : objects) {
        Map<String, String> labels = o.getMetadata().getLabels();
        if (labels == null || !module.equals(labels.get("app"))) problems.add(Repo.rel(file) + " " + UnknownFields.id(o) + ": needs label app: " + module);
      }
    }
    for (String component : List.of("external-redis", "coturn", "redis-sentinel", "gateway-api", "monitoring")) {
      Path f = Kustomize.kustomizationFile(k8s.resolve("components").resolve(component));
      if (f == null || !Manifests.kustomization(f).isComponent()) problems.add("k8s/components/" + component + " must be a kustomize Component");
    }
    Path production = Kustomize.kustomizationFile(k8s.resolve("overlays/production"));
    if (production == null) {
      problems.add("k8s/overlays/production/kustomization.yaml is missing");
    } else if (!Manifests.kustomization(production).list("resources").contains("../../base")) {
      problems.add("k8s/overlays/production must build on ../../base");
    }
    Map<String, HasMetadata> base = Kustomize.accumulate(k8s.resolve("base"));
    for (String id : List.of("StatefulSet/redis", "Service/redis", "Service/tandem-hazelcast")) {
      if (!base.containsKey(id)) problems.add("k8s/base must define " + id);
    }
    assertTrue(problems.isEmpty(), "layout:" + Checks.lines(problems));
  }

  /** The checks above can fail: deprecated fields, a secret generator and dangling entries are reported. */
  @Test
  void deprecatedFieldsAndDanglingEntriesAreReported() throws IOException {
    Path dir = Path.of("target", "broken-kustomization").toAbsolutePath();
    Files.createDirectories(dir);
    Path file = dir.resolve("kustomization.yaml");
    Files.writeString(file, """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        bases:
        - ../base
        commonLabels:
          app: x
        patchesStrategicMerge:
        - fix.yaml
        secretGenerator:
        - name: tandem-secrets
          files: [jwt-private.pem]
        resources:
        - missing.yaml
        components:
        - ../nowhere
        patches:
        - path: absent.yaml
        """);
    Kustomization k = Manifests.kustomization(file);
    List<String> fields = Kustomize.fieldProblems(k);
    for (String f : Set.of("'bases'", "'commonLabels'", "'patchesStrategicMerge'", "'secretGenerator'")) {
      assertTrue(fields.stream().anyMatch(p -> p.contains(f)), f + " must be reported, got" + Checks.lines(fields));
    }
    List<String> refs = Kustomize.referenceProblems(k);
    for (String f : Set.of("missing.yaml", "../nowhere", "absent.yaml")) {
      assertTrue(refs.stream().anyMatch(p -> p.contains(f)), f + " must be reported, got" + Checks.lines(refs));
    }
  }
}
