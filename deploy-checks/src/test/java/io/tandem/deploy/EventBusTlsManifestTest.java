package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Production runs the event bus under mutual TLS, each service with its own certificate; no build has pods that refuse to start. */
class EventBusTlsManifestTest {

  @Test
  void productionRunsTheEventBusUnderMutualTls() {
    List<Render.Build> builds = Render.buildsWith("eventbus-tls");
    assertTrue(builds.stream().anyMatch(b -> b.name().equals("k8s/overlays/production")), "production must include the eventbus-tls component: " + builds);
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) problems.addAll(EventBusTlsChecks.problems(b.bundle()));
    assertTrue(problems.isEmpty(), "event-bus TLS:" + Checks.lines(problems));
  }

  @Test
  void noBuildInProductionModeLeavesTheEventBusUndecided() {
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds().values()) problems.addAll(EventBusTlsChecks.refusedToStart(b.bundle()));
    assertTrue(problems.isEmpty(), "event-bus TLS:" + Checks.lines(problems));
  }

  /** The checks can fail: each weakening of production's event-bus TLS is reported. */
  @Test
  void eachWeakeningIsReported() {
    Bundle production = Render.builds().get("k8s/overlays/production").bundle();
    assertTrue(EventBusTlsChecks.problems(production).isEmpty(), "production must pass before it is broken");
    record Weakening(String what, Consumer<HasMetadata> change, String expected, boolean refused) {}
    List<Weakening> weakenings = List.of(
        new Weakening("switched off on purpose", o -> {
          if (o instanceof ConfigMap m && isTandemCommon(m)) m.getData().put("EVENTBUS_TLS", "off-insecure");
        }, "EVENTBUS_TLS must be on, is off-insecure", false),
        new Weakening("switched off", o -> {
          if (o instanceof ConfigMap m && isTandemCommon(m)) m.getData().remove("EVENTBUS_TLS");
        }, "would refuse to start", true),
        new Weakening("another service's certificate", o -> {
          if (o instanceof Deployment d && d.getMetadata().getName().equals("chat-service")) {
            d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null && v.getName().equals("eventbus-tls"))
                .forEach(v -> v.getSecret().setSecretName("gateway-service-eventbus-tls"));
          }
        }, "EVENTBUS_TLS_CERT=/etc/tandem/eventbus/tls.crt is not the key tls.crt of Secret chat-service-eventbus-tls", false),
        new Weakening("the CA not mounted", o -> {
          if (o instanceof Deployment d && d.getMetadata().getName().equals("gateway-service")) {
            d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getSecret() != null && v.getName().equals("eventbus-tls"))
                .forEach(v -> v.getSecret().getItems().removeIf(i -> i.getKey().equals("ca.crt")));
          }
        }, "EVENTBUS_TLS_CA=/etc/tandem/eventbus/ca.crt is not the key ca.crt", false));
    for (Weakening w : weakenings) {
      List<HasMetadata> objects = new ArrayList<>();
      for (HasMetadata o : production.objects) {
        HasMetadata c = Manifests.copy(o);
        w.change().accept(c);
        objects.add(c);
      }
      Bundle broken = new Bundle("broken", objects);
      List<String> problems = w.refused() ? EventBusTlsChecks.refusedToStart(broken) : EventBusTlsChecks.problems(broken);
      assertFalse(problems.isEmpty(), w.what() + " was not noticed");
      assertTrue(problems.stream().anyMatch(p -> p.contains(w.expected())), w.what() + ": expected '" + w.expected() + "' among" + Checks.lines(problems));
    }
  }

  /** The ConfigMap tandem-common, generated with a hash of its content in the name. */
  static boolean isTandemCommon(ConfigMap m) {
    String name = m.getMetadata().getName();
    return "tandem-common".equals(name) || "tandem-common".equals(Bundle.generatedName(name));
  }
}
