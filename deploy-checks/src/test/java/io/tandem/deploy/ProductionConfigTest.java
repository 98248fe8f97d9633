package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings roll the pods when they change; production names its host once and logs JSON. */
class ProductionConfigTest {

  @Test
  void everySettingTheServicesReadRollsThemWhenItChanges() {
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds().values()) problems.addAll(ConfigChecks.rollOnChange(b.bundle()));
    assertTrue(problems.isEmpty(), "ConfigMaps without a content hash:" + Checks.lines(problems));

    // A changed setting is a new name, so a new pod template: build base twice, the second time with one setting changed.
    Render.Build base = Render.builds().get("k8s/base");
    String before = base.bundle().find(ConfigMap.class, "tandem-common").orElseThrow().getMetadata().getName();
    Render.Build changed = Render.withSetting("k8s/base+LOG_LEVEL=DEBUG", Repo.k8s().resolve("base"), "tandem-common", "LOG_LEVEL", "DEBUG");
    String after = changed.bundle().find(ConfigMap.class, "tandem-common").orElseThrow().getMetadata().getName();
    assertTrue(!before.equals(after), "a changed setting must rename the ConfigMap: " + before + " / " + after);
    Deployment chat = changed.bundle().find(Deployment.class, "chat-service").orElseThrow();
    assertTrue(ConfigChecks.configMapsRead(changed.bundle().service("chat-service").orElseThrow()).containsKey(after),
        "the Deployments must read the renamed ConfigMap (so their template changes): " + chat.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom());

    // The check can fail: a plain ConfigMap.
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : base.bundle().objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof ConfigMap m && Bundle.named(m, "tandem-edge")) m.getMetadata().setName("tandem-edge");
      if (c instanceof Deployment d) d.getSpec().getTemplate().getSpec().getContainers().forEach(k -> k.getEnvFrom().forEach(e -> {
        if (e.getConfigMapRef() != null && Bundle.named(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName(e.getConfigMapRef().getName()).endMetadata().build(), "tandem-edge")) {
          e.getConfigMapRef().setName("tandem-edge");
        }
      }));
      objects.add(c);
    }
    List<String> found = ConfigChecks.rollOnChange(new Bundle("broken", objects));
    assertEquals(2, found.stream().filter(p -> p.contains("ConfigMap tandem-edge ")).count(), "auth and gateway read tandem-edge:" + Checks.lines(found));
  }

  @Test
  void productionNamesItsHostOnceAndServesOnlyIt() {
    String site = ConfigChecks.siteHost();
    List<String> problems = new ArrayList<>();
    List<Render.Build> production = Render.builds("k8s/overlays/production");
    for (Render.Build b : production) problems.addAll(ConfigChecks.oneHost(b.bundle(), site));
    assertTrue(production.stream().anyMatch(b -> !b.bundle().all(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class).isEmpty()),
        "production must also be built with the gateway-api component");
    // The host is written in one file of the overlay, and of the gateway-api component (its own site.yaml, for base).
    for (String dir : List.of("overlays/production", "components/gateway-api")) {
      String host = ConfigChecks.siteHost(dir + "/site.yaml");
      for (Path f : Repo.files(Repo.k8s().resolve(dir), ".yaml", ".yml", ".env")) {
        if (!f.endsWith("site.yaml") && Repo.read(f).contains(host)) problems.add(Repo.rel(f) + " repeats the host " + host + " (set it in k8s/" + dir + "/site.yaml only)");
      }
    }
    assertTrue(problems.isEmpty(), "host name:" + Checks.lines(problems));

    // Another host in site.yaml changes every place: build production, and production with the Gateway API, with one.
    Render.Build moved = Render.withSite("k8s/overlays/production+host", "chat.example.org", null);
    assertEquals(List.of(), ConfigChecks.oneHost(moved.bundle(), "chat.example.org"), "every host must follow site.yaml");
    Render.Build movedGateway = Render.withSite("k8s/overlays/production+gateway-api+host", "chat.example.org", Repo.k8s().resolve("components/gateway-api"));
    assertTrue(!movedGateway.bundle().all(io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class).isEmpty(), "the Gateway API build has a Gateway");
    assertEquals(List.of(), ConfigChecks.oneHost(movedGateway.bundle(), "chat.example.org"), "every host must follow the overlay's site.yaml, over the component's");

    // The check can fail: one Ingress left on another host.
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : production.get(0).bundle().objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof Ingress i && i.getMetadata().getName().equals("tandem-signaling")) i.getSpec().getRules().get(0).setHost("old.example.com");
      objects.add(c);
    }
    List<String> found = ConfigChecks.oneHost(new Bundle("broken", objects), site);
    assertTrue(found.stream().anyMatch(p -> p.contains("host old.example.com")), "a second host must be reported:" + Checks.lines(found));
  }

  @Test
  void productionLogsJson() {
    Map<String, Map<String, List<ServiceCode.Read>>> reads = EnvironmentContractTest.reads();
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds("k8s/overlays/production")) problems.addAll(ConfigChecks.jsonLogs(b.bundle(), reads));
    assertTrue(problems.isEmpty(), "JSON logs:" + Checks.lines(problems));
    List<String> base = ConfigChecks.jsonLogs(Render.builds().get("k8s/base").bundle(), reads);
    assertEquals(Repo.serviceModules().size(), base.size(), "base logs text, and the check says so for each service:" + Checks.lines(base));
  }
}
