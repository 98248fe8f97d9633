package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.Checks.Setting;
import io.tandem.deploy.Manifests.InlinePatch;
import io.tandem.deploy.Manifests.Kustomization;
import io.tandem.deploy.ServiceCode.Read;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The manifests and the code agree on configuration: every variable a manifest gives a service
 * (env, and ConfigMap keys through envFrom) is one the service's code reads — the list is derived
 * from the sources, never written by hand — every required one is set, and the cluster, key and
 * token settings fit the objects around them.
 */
class EnvironmentContractTest {

  static Map<String, Map<String, List<Read>>> reads() {
    Map<String, Map<String, List<Read>>> out = new LinkedHashMap<>();
    for (String module : Repo.serviceModules()) out.put(module, ServiceCode.reads(module));
    return out;
  }

  /** Each Kustomization (not component) folder's objects, before patches. */
  static List<Bundle> sourceBuilds() {
    List<Bundle> out = new ArrayList<>();
    for (Kustomization k : Manifests.kustomizations()) {
      if (!k.isComponent()) out.add(new Bundle(Repo.rel(k.dir()), Kustomize.accumulate(k.dir()).values()));
    }
    return out;
  }

  @Test
  void theVariableListsAreDerivedFromTheCode() {
    Map<String, Map<String, List<Read>>> reads = reads();
    List<String> problems = new ArrayList<>();
    StringBuilder table = new StringBuilder("Variables each service reads (derived from its sources):\n");
    for (String module : Repo.serviceModules()) {
      Map<String, List<Read>> r = reads.get(module);
      table.append("  ").append(module).append(": ").append(r.keySet()).append('\n');
      for (String u : ServiceCode.underivableReads(module)) problems.add(module + ": a configuration read with a computed name: " + u);
      for (String common : List.of("REDIS_URL", "CLUSTER_DISCOVERY", "EVENTBUS_PORT", "LOG_LEVEL")) {
        if (!r.containsKey(common)) problems.add(module + ": " + common + " is not among its reads: the derivation is broken");
      }
    }
    System.out.print(table);
    if (reads.containsKey("gateway-service") && !reads.get("gateway-service").containsKey("GATEWAY_PORT")) problems.add("gateway-service: GATEWAY_PORT not derived");
    if (reads.containsKey("auth-service") && !reads.get("auth-service").containsKey("JWT_PRIVATE_KEY_PATH")) problems.add("auth-service: JWT_PRIVATE_KEY_PATH not derived");
    if (reads.containsKey("chat-service") && reads.get("chat-service").containsKey("GATEWAY_PORT")) problems.add("chat-service: reads of another module leaked in");
    assertTrue(problems.isEmpty(), "variable derivation:" + Checks.lines(problems));
  }

  @Test
  void everyVariableTheSourcesSetIsReadByItsService() {
    Map<String, Map<String, List<Read>>> reads = reads();
    List<String> problems = new ArrayList<>();
    for (Bundle b : sourceBuilds()) problems.addAll(Checks.environmentContract(b, reads));
    // Patches (overlays, components) may add variables too: check them with every ConfigMap they may merge into.
    List<HasMetadata> patched = new ArrayList<>();
    for (Path f : Manifests.resourceFiles()) Manifests.parse(f).stream().filter(o -> o instanceof ConfigMap).forEach(patched::add);
    for (Path f : Manifests.patchFiles()) {
      String text = Repo.read(f);
      if (!Manifests.isOperationList(text)) patched.addAll(Manifests.parse(text));
    }
    for (InlinePatch p : Manifests.inlinePatches()) {
      if (!Manifests.isOperationList(p.text())) patched.addAll(Manifests.parse(p.text()));
    }
    problems.addAll(Checks.environmentContract(new Bundle("patches", patched), reads, false));
    assertTrue(problems.isEmpty(), "variables the services do not read, or required ones missing:" + Checks.lines(problems));
  }

  @Test
  void everyVariableEveryBuildSetsIsReadByItsService() {
    Map<String, Map<String, List<Read>>> reads = reads();
    List<String> problems = new ArrayList<>();
    for (Render.Build build : Render.builds().values()) problems.addAll(Checks.environmentContract(build.bundle(), reads));
    assertTrue(problems.isEmpty(), "built manifests: variables the services do not read, or required ones missing:" + Checks.lines(problems));
  }

  @Test
  void clusterSettingsFitTheManifests() {
    List<String> problems = new ArrayList<>();
    for (Bundle b : sourceBuilds()) problems.addAll(Checks.clusterWiring(b));
    if (Render.available()) for (Render.Build build : Render.builds().values()) problems.addAll(Checks.clusterWiring(build.bundle()));
    assertTrue(problems.isEmpty(), "Hazelcast / event-bus wiring:" + Checks.lines(problems));
  }

  @Test
  void authReadsItsKeyPairFromTheSecret() {
    Bundle base = new Bundle("k8s/base", Kustomize.accumulate(Repo.k8s().resolve("base")).values());
    Workload auth = base.service("auth-service").orElseThrow();
    List<String> problems = new ArrayList<>();
    Map<String, Setting> env = Checks.environment(base, auth.id(), auth.main(), problems);
    for (String var : List.of("JWT_PRIVATE_KEY_PATH", "JWT_PUBLIC_KEY_PATH")) {
      Setting s = env.get(var);
      if (s == null || s.value() == null) {
        problems.add(var + " must be set: without it every auth replica makes up its own key");
        continue;
      }
      if (!fromSecret(auth, s.value())) problems.add(var + "=" + s.value() + " is not a file of a volume of Secret " + Checks.SECRET);
    }
    Setting hash = env.get("HASH_SECRET");
    if (hash == null || !hash.origin().startsWith("env secretKeyRef " + Checks.SECRET + "/")) problems.add("HASH_SECRET must come from Secret " + Checks.SECRET);
    assertTrue(problems.isEmpty(), "auth-service key material:" + Checks.lines(problems));
  }

  private static boolean fromSecret(Workload w, String file) {
    for (VolumeMount m : w.main().getVolumeMounts()) {
      String dir = m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/";
      if (!file.startsWith(dir)) continue;
      String name = file.substring(dir.length());
      for (Volume v : w.template().getSpec().getVolumes()) {
        if (!v.getName().equals(m.getName()) || v.getSecret() == null || !Checks.SECRET.equals(v.getSecret().getSecretName())) continue;
        if (v.getSecret().getItems().isEmpty() || v.getSecret().getItems().stream().anyMatch(i -> i.getPath().equals(name))) return true;
      }
    }
    return false;
  }

  @Test
  void settingsSharedByServicesAgree() {
    Map<String, Map<String, List<Read>>> reads = reads();
    List<Bundle> bundles = new ArrayList<>(sourceBuilds());
    if (Render.available()) Render.builds().values().forEach(b -> bundles.add(b.bundle()));
    List<String> problems = new ArrayList<>();
    for (Bundle b : bundles) problems.addAll(Checks.sharedSettingsAgree(b, reads));
    assertTrue(problems.isEmpty(), "shared settings (token issuer and audience, hash secret, ...):" + Checks.lines(problems));

    // The check can fail: a gateway without the hash secret hashes IPs differently from auth-service.
    Bundle base = new Bundle("k8s/base", Kustomize.accumulate(Repo.k8s().resolve("base")).values());
    List<HasMetadata> broken = new ArrayList<>();
    for (HasMetadata o : base.objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof Deployment d && d.getMetadata().getName().equals("gateway-service")) {
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().removeIf(e -> e.getName().equals("HASH_SECRET"));
      }
      broken.add(c);
    }
    List<String> found = Checks.sharedSettingsAgree(new Bundle("broken", broken), reads);
    assertTrue(found.stream().anyMatch(p -> p.contains("HASH_SECRET")), "a missing shared HASH_SECRET must be reported:" + Checks.lines(found));
  }

  @Test
  void iceServersIsAListOfServers() throws Exception {
    Bundle base = new Bundle("k8s/base", Kustomize.accumulate(Repo.k8s().resolve("base")).values());
    Workload gateway = base.service("gateway-service").orElseThrow();
    Setting ice = Checks.environment(base, "gateway", gateway.main(), new ArrayList<>()).get("ICE_SERVERS");
    if (ice == null) return;
    JsonNode servers = Manifests.JSON.readTree(ice.value());
    assertTrue(servers.isArray() && !servers.isEmpty(), "ICE_SERVERS must be a JSON array of RTCIceServer objects, got " + ice.value());
    for (JsonNode s : servers) assertTrue(s.isObject() && s.has("urls"), "each ICE server needs urls: " + s);
  }

  /** The checks can fail: unread, missing and malformed variables are reported. */
  @Test
  void unreadMissingAndMalformedVariablesAreReported() {
    Map<String, Map<String, List<Read>>> reads = reads();
    Bundle base = new Bundle("k8s/base", Kustomize.accumulate(Repo.k8s().resolve("base")).values());
    assertTrue(Checks.environmentContract(base, reads).isEmpty(), "base must pass before it is broken");

    // Names no code reads (asserted, so that the test keeps meaning what it says).
    String unreadKey = "TANDEM_UNREAD_SETTING";
    String unreadSecret = "TANDEM_UNREAD_SECRET";
    reads.values().forEach(r -> assertFalse(r.containsKey(unreadKey) || r.containsKey(unreadSecret)));
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : base.objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof ConfigMap cm && cm.getMetadata().getName().equals("tandem-common")) {
        cm.getData().put(unreadKey, "x");
        cm.getData().remove("REDIS_URL");
        cm.getData().put("EVENTBUS_PORT", "seventeen");
        cm.getData().put("CLUSTER_PORT", "70000");
      }
      if (c instanceof Deployment d && d.getMetadata().getName().equals("gateway-service")) {
        Container main = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<EnvVar> env = new ArrayList<>(main.getEnv());
        env.add(new EnvVarBuilder().withName(unreadSecret).withNewValueFrom().withNewSecretKeyRef("some-key", Checks.SECRET, false).endValueFrom().build());
        env.add(new EnvVarBuilder().withName("SERVE_WEB_CLIENT").withValue("maybe").build());
        main.setEnv(env);
      }
      objects.add(c);
    }
    List<String> problems = Checks.environmentContract(new Bundle("broken", objects), reads);
    for (String expected : List.of(unreadKey + " (ConfigMap tandem-common) is not read", unreadSecret + " (env secretKeyRef", "REDIS_URL must be set",
        "EVENTBUS_PORT=seventeen", "CLUSTER_PORT=70000", "SERVE_WEB_CLIENT=maybe")) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(problems));
    }
    assertEquals(Repo.serviceModules().size(), problems.stream().filter(p -> p.contains(unreadKey)).count(),
        "every service gets tandem-common:" + Checks.lines(problems));

    List<HasMetadata> unwired = new ArrayList<>();
    for (HasMetadata o : base.objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof ConfigMap cm && cm.getMetadata().getName().equals("tandem-common")) {
        cm.getData().put("EVENTBUS_HOST", "127.0.0.1");
        cm.getData().put("EVENTBUS_PORT", "5710");
        cm.getData().put("CLUSTER_K8S_SERVICE_DNS", "hazelcast-elsewhere");
      }
      unwired.add(c);
    }
    List<String> wiring = Checks.clusterWiring(new Bundle("unwired", unwired));
    for (String expected : List.of("EVENTBUS_HOST must be 0.0.0.0", "lies in Hazelcast's port range", "names no Service")) {
      assertTrue(wiring.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(wiring));
    }
  }
}
