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

  /**
   * In every build (each overlay, and each component on base and on production), the NetworkPolicies,
   * evaluated rule by rule, let every entry option reach the gateway and auth, and every other
   * needed connection through; under production's default deny nothing else gets through.
   */
  @Test
  void networkPoliciesLetEveryEntryInAndOnlyWhatMustTalkTalk() {
    List<String> problems = new ArrayList<>();
    StringBuilder table = new StringBuilder("NetworkPolicies evaluated per build (required connections, default deny):\n");
    for (Render.Build b : Render.builds().values()) {
      boolean production = b.name().startsWith("k8s/overlays/production");
      problems.addAll(Checks.networkPolicies(b.bundle(), production));
      NetworkFlows.World w = NetworkFlows.world(b.bundle());
      List<String> entries = new ArrayList<>();
      if (NetworkFlows.ingressNginx(b.bundle())) entries.add("ingress-nginx");
      if (!NetworkFlows.gateways(b.bundle()).isEmpty()) entries.add("Gateway API (Envoy Gateway, in-namespace data plane)");
      table.append("  ").append(b.name()).append(": entry ").append(entries).append(", ").append(w.required().size()).append(" required connections")
          .append(NetworkFlows.defaultDeny(b.bundle()) ? "; default deny: every other party -> pod port checked closed" : "").append('\n');
      if (production && !NetworkFlows.ingressNginx(b.bundle()) && NetworkFlows.gateways(b.bundle()).isEmpty()) problems.add(b.name() + ": no entry option (Ingress or Gateway)");
    }
    System.out.print(table);
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

  /**
   * The evaluation can fail both ways: production with the Gateway API but the ingress-nginx-only
   * entry policy (the data plane is cut off), and a cluster policy opened to every namespace.
   */
  @Test
  void blockedEntriesAndNeedlessOpeningsAreReported() {
    Bundle ingressOnly = Render.builds().get("k8s/overlays/production").bundle();
    NetworkPolicy nginxEntry = ingressOnly.find(NetworkPolicy.class, "tandem-entry").orElseThrow();
    Render.Build gatewayApi = Render.builds().get("k8s/overlays/production+gateway-api");
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : gatewayApi.bundle().objects) objects.add(o instanceof NetworkPolicy np && np.getMetadata().getName().equals("tandem-entry") ? Manifests.copy(nginxEntry) : o);
    List<String> blocked = Checks.networkPolicies(new Bundle("gateway-api-with-nginx-policy", objects), true);
    for (String expected : List.of("envoy-gateway-system/envoy-tandem", "tandem/gateway-data-plane-tandem")) {
      assertTrue(blocked.stream().anyMatch(p -> p.contains("entry proxy -> gateway-service http is blocked") && p.contains(expected)), "expected '" + expected + "' blocked among" + Checks.lines(blocked));
    }

    List<HasMetadata> opened = new ArrayList<>();
    for (HasMetadata o : ingressOnly.objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof NetworkPolicy np && np.getMetadata().getName().equals("tandem-cluster")) {
        np.getSpec().getIngress().get(0).getFrom().get(0).setNamespaceSelector(new io.fabric8.kubernetes.api.model.LabelSelector());
        np.getSpec().getIngress().get(0).getFrom().get(0).setPodSelector(null);
      }
      opened.add(c);
    }
    List<String> open = Checks.networkPolicies(new Bundle("opened", opened), true);
    assertTrue(open.stream().anyMatch(p -> p.contains("other/stranger -> tandem/gateway-service port 17001/TCP (eventbus) is open but nothing needs it")),
        "a stranger reaching the event bus must be reported:" + Checks.lines(open));
    assertTrue(open.stream().anyMatch(p -> p.contains("tandem/debug -> tandem/chat-service port 5701/TCP (hazelcast) is open")),
        "a pod of the namespace that is no member must be reported too:" + Checks.lines(open));
  }

  /** The network-policy and reference checks can fail: a removed policy, an open rule, a dangling name. */
  @Test
  void openedAndDanglingNamesAreReported() {
    Render.Build production = Render.builds().get("k8s/overlays/production");
    assertTrue(Checks.networkPolicies(production.bundle(), true).isEmpty(), "production must pass before it is broken");
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
    List<String> policies = Checks.networkPolicies(broken, true);
    for (String expected : List.of("member -> member hazelcast is blocked", "member -> member eventbus is blocked", "without from")) {
      assertTrue(policies.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(policies));
    }
    List<String> refs = Checks.references(broken);
    for (String expected : List.of("targets web", "ConfigMap tandem-comon")) {
      assertTrue(refs.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(refs));
    }
    assertEquals(List.of(), Checks.productionScaling(production.bundle()));
  }
}
