package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** TURN is part of production, survives node changes, finds its public address, serves TLS on 443 (reloaded when renewed), and keeps its secret in files. */
class TurnTest {

  @Test
  void productionServesTurnWithTlsAndFileSecrets() {
    List<Render.Build> builds = Render.buildsWith("coturn");
    assertTrue(builds.stream().anyMatch(b -> b.name().equals("k8s/overlays/production")), "production must include the coturn component: " + builds);
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) problems.addAll(TurnChecks.problems(b.bundle()));
    assertTrue(problems.isEmpty(), "TURN:" + Checks.lines(problems));
  }

  @Test
  void noTurnSettingsWithoutATurnServer() {
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.builds().values()) {
      if (b.bundle().find(DaemonSet.class, TurnChecks.NAME).isPresent()) continue;
      b.bundle().service("gateway-service").ifPresent(g -> {
        Map<String, Checks.Setting> env = Checks.environment(b.bundle(), g.id(), g.main(), problems);
        if (env.containsKey("TURN_SECRET") || env.containsKey("TURN_URLS")) problems.add(b.name() + ": TURN settings without a TURN server");
      });
    }
    assertTrue(problems.isEmpty(), "TURN:" + Checks.lines(problems));
  }

  /** The check can fail: each weakening of the production TURN setup is reported. */
  @Test
  void eachWeakeningIsReported() {
    Bundle production = Render.builds().get("k8s/overlays/production").bundle();
    assertTrue(TurnChecks.problems(production).isEmpty(), "production must pass before it is broken");
    record Weakening(String what, Consumer<HasMetadata> change, String expected) {}
    List<Weakening> weakenings = List.of(
        new Weakening("secret on the command line", o -> {
          if (o instanceof DaemonSet d) {
            var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            c.getEnv().add(new EnvVarBuilder().withName("TURN_SECRET").withNewValueFrom().withNewSecretKeyRef("turn-secret", Checks.SECRET, false).endValueFrom().build());
            c.getArgs().add("--static-auth-secret=$(TURN_SECRET)");
          }
        }, "command line"),
        new Weakening("no TLS", o -> {
          if (o instanceof ConfigMap m && m.getData() != null && m.getData().containsKey(TurnChecks.CONF)) {
            m.getData().put(TurnChecks.CONF, m.getData().get(TurnChecks.CONF).replace("tls-listening-port=5349", "no-tls"));
          }
        }, "no-tls"),
        new Weakening("not on the host network", o -> {
          if (o instanceof DaemonSet d) d.getSpec().getTemplate().getSpec().setHostNetwork(false);
        }, "host network"),
        new Weakening("cluster-internal Service", o -> {
          if (o instanceof Service s && s.getMetadata().getName().equals(TurnChecks.NAME)) s.getSpec().setType("ClusterIP");
        }, "LoadBalancer"),
        new Weakening("no 443", o -> {
          if (o instanceof Service s && s.getMetadata().getName().equals(TurnChecks.NAME)) s.getSpec().getPorts().removeIf(p -> p.getPort() == 443);
        }, "443/TCP"),
        new Weakening("no STUN lookup", o -> {
          if (o instanceof ConfigMap m && m.getData() != null && m.getData().containsKey(TurnChecks.INIT)) {
            m.getData().put(TurnChecks.INIT, m.getData().get(TurnChecks.INIT).replace("turnutils_stunclient", "true"));
          }
        }, "STUN"),
        new Weakening("no reload sidecar", o -> {
          if (o instanceof DaemonSet d) d.getSpec().getTemplate().getSpec().getContainers().removeIf(c -> !c.getName().equals(TurnChecks.NAME));
        }, TurnChecks.RELOAD),
        new Weakening("separate process namespaces", o -> {
          if (o instanceof DaemonSet d) d.getSpec().getTemplate().getSpec().setShareProcessNamespace(false);
        }, "shareProcessNamespace"),
        new Weakening("no metrics", o -> {
          if (o instanceof ConfigMap m && m.getData() != null && m.getData().containsKey(TurnChecks.CONF)) {
            m.getData().put(TurnChecks.CONF, m.getData().get(TurnChecks.CONF).replace("\nprometheus\n", "\n"));
          }
        }, "metrics"),
        new Weakening("gateway's own secret", o -> {
          if (o instanceof Deployment d && d.getMetadata().getName().equals("gateway-service")) {
            for (EnvVar e : d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
              if (e.getName().equals("TURN_SECRET")) e.getValueFrom().getSecretKeyRef().setKey("other-secret");
            }
          }
        }, "TURN_SECRET"));
    for (Weakening w : weakenings) {
      List<HasMetadata> objects = new ArrayList<>();
      for (HasMetadata o : production.objects) {
        HasMetadata c = Manifests.copy(o);
        w.change().accept(c);
        objects.add(c);
      }
      List<String> problems = TurnChecks.problems(new Bundle("broken", objects));
      assertFalse(problems.isEmpty(), w.what() + " was not noticed");
      assertTrue(problems.stream().anyMatch(p -> p.contains(w.expected())), w.what() + ": expected '" + w.expected() + "' among" + Checks.lines(problems));
    }
  }
}
