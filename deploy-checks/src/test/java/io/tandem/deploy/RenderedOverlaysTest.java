package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.Checks.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real kustomize builds (kubectl kustomize): every overlay, and each component on top of base
 * and of production, renders; what it renders parses, names only objects that exist, and keeps the
 * production promises (autoscaler, disruption budgets, network policies, TLS).
 */
class RenderedOverlaysTest {

  @Test
  void everyBuildRendersIntoKnownObjects() {
    Map<String, Render.Build> builds = Render.builds();
    assertTrue(builds.containsKey("k8s/base") && builds.containsKey("k8s/overlays/production"), "builds: " + builds.keySet());
    for (Manifests.Kustomization k : Manifests.kustomizations()) {
      if (k.isComponent()) assertTrue(builds.containsKey("k8s/base+" + k.dir().getFileName()), "component " + k.dir().getFileName() + " must be built on base: " + builds.keySet());
    }
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds.values()) {
      for (HasMetadata o : b.bundle().objects) {
        for (String f : UnknownFields.of(o, false)) problems.add(b.name() + " " + UnknownFields.id(o) + ": " + f);
      }
    }
    assertTrue(problems.isEmpty(), "built objects with fields the model does not know:" + Checks.lines(problems));
  }

  @Test
  void namesResolveInEveryBuild() {
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds().values()) problems.addAll(Checks.references(b.bundle()));
    assertTrue(problems.isEmpty(), "dangling names:" + Checks.lines(problems));
  }

  @Test
  void theIngressRoutesAuthSignalingAndTheWebClient() {
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds().values()) problems.addAll(Checks.ingressRoutes(b.bundle(), b.name().startsWith("k8s/overlays/production")));
    assertTrue(problems.isEmpty(), "Ingress:" + Checks.lines(problems));
  }

  @Test
  void productionAutoscalesGatewaysAndBudgetsDisruptions() {
    List<String> problems = new ArrayList<>();
    List<Render.Build> production = Render.builds("k8s/overlays/production");
    assertFalse(production.isEmpty());
    for (Render.Build b : production) problems.addAll(Checks.productionScaling(b.bundle()));
    assertTrue(problems.isEmpty(), "production scaling:" + Checks.lines(problems));
  }

  @Test
  void productionNetworkPoliciesLetOnlyWhatMustTalkTalk() {
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds("k8s/overlays/production")) problems.addAll(Checks.networkPolicies(b.bundle()));
    assertTrue(problems.isEmpty(), "network policies:" + Checks.lines(problems));
  }

  @Test
  void externalRedisReplacesTheInClusterRedis() {
    Render.Build base = Render.builds().get("k8s/base");
    List<Render.Build> builds = Render.buildsWith("external-redis");
    assertTrue(builds.size() >= 2, "external-redis must be built on base and on production: " + builds);
    String inCluster = Checks.configMap(base.bundle(), "tandem-common").orElseThrow().getData().get("REDIS_URL");
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) {
      if (b.bundle().find(StatefulSet.class, "redis").isPresent()) problems.add(b.name() + ": still has the redis StatefulSet");
      if (b.bundle().find(Service.class, "redis").isPresent()) problems.add(b.name() + ": still has the redis Service");
      if (b.bundle().find(StatefulSet.class, Checks.SENTINEL_WORKLOAD).isPresent()) problems.add(b.name() + ": still has the Sentinels");
      for (Workload w : b.bundle().services()) {
        Setting url = Checks.environment(b.bundle(), w.id(), w.main(), problems).get("REDIS_URL");
        if (url == null || url.value() == null || url.value().equals(inCluster) || url.value().contains("//redis:")) {
          problems.add(b.name() + ": " + w.id() + " still points at the in-cluster Redis: " + (url == null ? null : url.value()));
        }
      }
    }
    assertTrue(problems.isEmpty(), "external Redis:" + Checks.lines(problems));
  }

  /** The network-policy and reference checks can fail: a removed policy, an open rule, a dangling name. */
  @Test
  void openedAndDanglingNamesAreReported() {
    Render.Build production = Render.builds().get("k8s/overlays/production");
    assertTrue(Checks.networkPolicies(production.bundle()).isEmpty(), "production must pass before it is broken");
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : production.bundle().objects) {
      if (o instanceof NetworkPolicy np && np.getMetadata().getName().equals("tandem-cluster")) continue;
      HasMetadata c = Manifests.copy(o);
      if (c instanceof NetworkPolicy np && np.getMetadata().getName().equals("monitoring")) np.getSpec().getIngress().get(0).setFrom(List.of());
      if (c instanceof Service s && s.getMetadata().getName().equals("gateway-service")) s.getSpec().getPorts().get(0).setTargetPort(new io.fabric8.kubernetes.api.model.IntOrString("web"));
      if (c instanceof Deployment d && d.getMetadata().getName().equals("chat-service")) {
        d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().setName("tandem-comon");
      }
      objects.add(c);
    }
    Bundle broken = new Bundle("broken", objects);
    List<String> policies = Checks.networkPolicies(broken);
    for (String expected : List.of("cluster members cannot reach port hazelcast", "cluster members cannot reach port eventbus", "without from")) {
      assertTrue(policies.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(policies));
    }
    List<String> refs = Checks.references(broken);
    for (String expected : List.of("targets web", "ConfigMap tandem-comon")) {
      assertTrue(refs.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(refs));
    }
    assertEquals(List.of(), Checks.productionScaling(production.bundle()));
  }
}
