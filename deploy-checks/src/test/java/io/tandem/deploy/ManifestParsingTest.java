package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tandem.deploy.Manifests.InlinePatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every YAML under k8s/ is made of Kubernetes objects the typed model knows, field by field. */
class ManifestParsingTest {

  @Test
  void everyManifestParsesIntoTypedKubernetesObjects() {
    List<String> problems = new ArrayList<>();
    int objects = 0;
    for (Path file : Manifests.resourceFiles()) {
      try {
        List<HasMetadata> parsed = Manifests.parse(file);
        if (parsed.isEmpty()) problems.add(Repo.rel(file) + ": holds no object");
        for (HasMetadata h : parsed) {
          objects++;
          if (h.getMetadata() == null || h.getMetadata().getName() == null) problems.add(Repo.rel(file) + ": a " + h.getKind() + " without metadata.name");
        }
      } catch (RuntimeException e) {
        problems.add(Repo.rel(file) + ": " + e.getMessage());
      }
    }
    for (Path file : Manifests.patchFiles()) {
      String text = Repo.read(file);
      if (Manifests.isOperationList(text)) continue;
      try {
        if (Manifests.parse(text).isEmpty()) problems.add(Repo.rel(file) + ": patch holds no object");
      } catch (RuntimeException e) {
        problems.add(Repo.rel(file) + ": " + e.getMessage());
      }
    }
    for (InlinePatch p : Manifests.inlinePatches()) {
      if (Manifests.isOperationList(p.text())) continue;
      try {
        if (Manifests.parse(p.text()).isEmpty()) problems.add(p.where() + ": patch holds no object");
      } catch (RuntimeException e) {
        problems.add(p.where() + ": " + e.getMessage());
      }
    }
    assertTrue(problems.isEmpty(), "manifests that do not parse into typed objects:" + Checks.lines(problems));
    assertTrue(objects >= 10, "expected the base, components and overlay objects, found " + objects);
  }

  @Test
  void noManifestHasFieldsTheModelDoesNotKnow() {
    List<String> problems = new ArrayList<>();
    for (Path file : Manifests.resourceFiles()) {
      for (HasMetadata h : Manifests.parse(file)) {
        for (String f : UnknownFields.of(h, false)) problems.add(Repo.rel(file) + " " + UnknownFields.id(h) + ": " + f);
      }
    }
    for (Path file : Manifests.patchFiles()) {
      String text = Repo.read(file);
      if (Manifests.isOperationList(text)) continue;
      for (HasMetadata h : Manifests.parse(text)) {
        for (String f : UnknownFields.of(h, true)) problems.add(Repo.rel(file) + " " + UnknownFields.id(h) + ": " + f);
      }
    }
    for (InlinePatch p : Manifests.inlinePatches()) {
      if (Manifests.isOperationList(p.text())) continue;
      for (HasMetadata h : Manifests.parse(p.text())) {
        for (String f : UnknownFields.of(h, true)) problems.add(p.where() + " " + UnknownFields.id(h) + ": " + f);
      }
    }
    assertTrue(problems.isEmpty(), "fields the Kubernetes model does not know (misspelled or misplaced):" + Checks.lines(problems));
  }

  @Test
  void jsonPatchesAreWellFormedAndTargeted() {
    List<String> problems = new ArrayList<>();
    for (Manifests.Kustomization k : Manifests.kustomizations()) {
      List<Map<String, Object>> patches = k.patches();
      for (int i = 0; i < patches.size(); i++) {
        Map<String, Object> entry = patches.get(i);
        String text = entry.get("patch") instanceof String s ? s
            : entry.get("path") instanceof String p ? Repo.read(k.dir().resolve(p)) : null;
        if (text == null || !Manifests.isOperationList(text)) continue;
        String where = Repo.rel(k.file()) + " patches[" + i + "]";
        if (!(entry.get("target") instanceof Map<?, ?>)) problems.add(where + ": a JSON 6902 patch needs a target");
        for (String p : Manifests.operationProblems(Manifests.operations(text))) problems.add(where + " " + p);
      }
    }
    assertTrue(problems.isEmpty(), "malformed JSON 6902 patches:" + Checks.lines(problems));
  }

  /** The checks above can fail: misspelled, misplaced and unknown-kind manifests are reported. */
  @Test
  void misspelledMisplacedAndUnknownFieldsAreReported() {
    String yaml = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: broken
          lables: {app: x}
        spec:
          selector: {matchLabels: {app: x}}
          template:
            metadata: {labels: {app: x}}
            spec:
              containers:
              - name: c
                image: x
                imagePullPolice: Always
                securityContext:
                  runAsNonroot: true
                resources:
                  limits: {cpu: "1"}
              securityContext:
                readOnlyRootFilesystem: true
        """;
    HasMetadata d = Manifests.parse(yaml).get(0);
    List<String> found = UnknownFields.of(d, false);
    assertEquals(Set.of("metadata.lables", "spec.template.spec.containers[0].imagePullPolice",
        "spec.template.spec.containers[0].securityContext.runAsNonroot",
        "spec.template.spec.securityContext.readOnlyRootFilesystem"), Set.copyOf(found));

    HasMetadata unknownKind = Manifests.parse("apiVersion: apps/v2\nkind: Deployment\nmetadata:\n  name: x\n").get(0);
    assertFalse(UnknownFields.of(unknownKind, false).isEmpty(), "apps/v2 is not a Deployment version");

    HasMetadata patch = Manifests.parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n$patch: delete\n").get(0);
    assertTrue(UnknownFields.of(patch, true).isEmpty(), "$patch is a strategic-merge directive in a patch");
    assertFalse(UnknownFields.of(patch, false).isEmpty(), "$patch is not allowed in a resource");

    assertThrows(RuntimeException.class, () -> Manifests.parse("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: many\n"),
        "a value of the wrong type must not parse");

    assertFalse(Manifests.operationProblems(Manifests.operations("- op: ad\n  path: spec/replicas\n")).isEmpty());
  }
}
