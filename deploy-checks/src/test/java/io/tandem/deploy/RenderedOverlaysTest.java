package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
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
    assertTrue(builds.keySet().stream().anyMatch(n -> n.endsWith("+external-redis")) && builds.keySet().stream().anyMatch(n -> n.endsWith("+coturn")),
        "each component must be built: " + builds.keySet());
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
    List<Render.Build> builds = Render.builds().values().stream().filter(b -> b.name().contains("external-redis") || b.name().endsWith("all-components")).toList();
    assertFalse(builds.isEmpty());
    String inCluster = Checks.configMap(base.bundle(), "tandem-common").orElseThrow().getData().get("REDIS_URL");
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) {
      if (b.bundle().find(StatefulSet.class, "redis").isPresent()) problems.add(b.name() + ": still has the redis StatefulSet");
      if (b.bundle().find(Service.class, "redis").isPresent()) problems.add(b.name() + ": still has the redis Service");
      for (Workload w : b.bundle().services()) {
        Setting url = Checks.environment(b.bundle(), w.id(), w.main(), problems).get("REDIS_URL");
        if (url == null || url.value() == null || url.value().equals(inCluster) || url.value().contains("//redis:")) {
          problems.add(b.name() + ": " + w.id() + " still points at the in-cluster Redis: " + (url == null ? null : url.value()));
        }
      }
    }
    assertTrue(problems.isEmpty(), "external Redis:" + Checks.lines(problems));
  }

  @Test
  void coturnTakesItsSharedSecretFromTheSecret() {
    List<Render.Build> builds = Render.builds().values().stream().filter(b -> b.name().contains("coturn") || b.name().endsWith("all-components")).toList();
    assertFalse(builds.isEmpty());
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) {
      Deployment d = b.bundle().find(Deployment.class, "coturn").orElse(null);
      if (d == null) {
        problems.add(b.name() + ": no coturn Deployment");
        continue;
      }
      if (b.bundle().find(Service.class, "coturn").isEmpty()) problems.add(b.name() + ": no coturn Service");
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      EnvVar secret = c.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null).findFirst().orElse(null);
      if (secret == null || !Checks.SECRET.equals(secret.getValueFrom().getSecretKeyRef().getName())) {
        problems.add(b.name() + ": coturn's shared secret must come from Secret " + Checks.SECRET);
      } else if (!c.getArgs().contains("--static-auth-secret=$(" + secret.getName() + ")")) {
        problems.add(b.name() + ": coturn must get --static-auth-secret=$(" + secret.getName() + "), args " + c.getArgs());
      }
      ConfigMap conf = b.bundle().all(ConfigMap.class).stream().filter(m -> m.getData() != null && m.getData().containsKey("turnserver.conf")).findFirst().orElse(null);
      String text = conf == null ? "" : conf.getData().get("turnserver.conf");
      if (!text.lines().map(String::trim).anyMatch("use-auth-secret"::equals)) problems.add(b.name() + ": turnserver.conf must set use-auth-secret");
      if (!text.contains("denied-peer-ip=10.0.0.0-10.255.255.255")) problems.add(b.name() + ": coturn must not relay into private networks");
      // The gateways issue credentials for it: TURN_SECRET (the same key) and TURN_URLS, together.
      Workload gateway = b.bundle().service("gateway-service").orElseThrow();
      Map<String, Setting> env = Checks.environment(b.bundle(), gateway.id(), gateway.main(), problems);
      Setting gwSecret = env.get("TURN_SECRET");
      if (gwSecret == null || secret == null || !gwSecret.origin().equals("env secretKeyRef " + Checks.SECRET + "/" + secret.getValueFrom().getSecretKeyRef().getKey())) {
        problems.add(b.name() + ": the gateways' TURN_SECRET must be coturn's key of " + Checks.SECRET + ", got " + (gwSecret == null ? null : gwSecret.origin()));
      }
      Setting urls = env.get("TURN_URLS");
      try {
        JsonNode list = urls == null ? null : Manifests.JSON.readTree(urls.value());
        boolean ok = list != null && list.isArray() && !list.isEmpty();
        if (ok) for (JsonNode u : list) ok &= u.isTextual() && u.asText().matches("turns?:.+");
        if (!ok) problems.add(b.name() + ": the gateways' TURN_URLS must be a JSON array of turn: URLs, got " + (urls == null ? null : urls.value()));
      } catch (Exception e) {
        problems.add(b.name() + ": the gateways' TURN_URLS is not JSON: " + urls.value());
      }
    }
    for (Render.Build b : Render.builds().values()) {
      if (b.bundle().find(Deployment.class, "coturn").isPresent()) continue;
      b.bundle().service("gateway-service").ifPresent(g -> {
        Map<String, Setting> env = Checks.environment(b.bundle(), g.id(), g.main(), problems);
        if (env.containsKey("TURN_SECRET") || env.containsKey("TURN_URLS")) problems.add(b.name() + ": TURN settings without a TURN server");
      });
    }
    assertTrue(problems.isEmpty(), "coturn:" + Checks.lines(problems));
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
