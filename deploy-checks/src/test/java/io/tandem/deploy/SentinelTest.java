package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Production's Redis survives a node: Sentinel, replicas, a password from the Secret, persistence, budgets, an exporter. */
class SentinelTest {

  @Test
  void productionRunsRedisWithSentinel() {
    List<Render.Build> builds = Render.buildsWith("redis-sentinel");
    assertTrue(builds.stream().anyMatch(b -> b.name().equals("k8s/overlays/production")), "production must include the redis-sentinel component: " + builds);
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) problems.addAll(SentinelChecks.problems(b.bundle()));
    assertTrue(problems.isEmpty(), "Redis with Sentinel:" + Checks.lines(problems));
  }

  /** The check can fail: each weakening is reported. */
  @Test
  void eachWeakeningIsReported() {
    Bundle production = Render.builds().get("k8s/overlays/production").bundle();
    assertTrue(SentinelChecks.problems(production).isEmpty(), "production must pass before it is broken");
    record Weakening(String what, Predicate<HasMetadata> drop, UnaryOperator<HasMetadata> change, String expected) {}
    List<Weakening> weakenings = List.of(
        new Weakening("one Redis", o -> false, o -> {
          if (o instanceof StatefulSet s && s.getMetadata().getName().equals("redis")) s.getSpec().setReplicas(1);
          return o;
        }, "at least 3 pods"),
        new Weakening("no budget", o -> o instanceof PodDisruptionBudget p && p.getMetadata().getName().equals("redis-sentinel"), o -> o, "PodDisruptionBudget"),
        new Weakening("no AOF", o -> false, o -> {
          if (o instanceof ConfigMap m && SentinelChecks.generated(m.getMetadata().getName(), SentinelChecks.SCRIPTS)) m.getData().put("redis.conf", m.getData().get("redis.conf").replace("appendonly yes", "appendonly no"));
          return o;
        }, "appendonly"),
        new Weakening("password argument", o -> false, o -> {
          if (o instanceof StatefulSet s && s.getMetadata().getName().equals("redis")) s.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().add("--requirepass secret");
          return o;
        }, "command line"),
        new Weakening("standalone client", o -> false, o -> {
          if (o instanceof ConfigMap m && Bundle.named(m, "tandem-common")) m.getData().put("REDIS_MODE", "standalone");
          return o;
        }, "REDIS_MODE must be sentinel"),
        new Weakening("no exporter", o -> false, o -> {
          if (o instanceof StatefulSet s && s.getMetadata().getName().equals("redis")) {
            s.getSpec().getTemplate().getSpec().getContainers().removeIf(c -> c.getImage().startsWith(SentinelChecks.EXPORTER_IMAGE));
          }
          return o;
        }, "redis_exporter sidecar"),
        new Weakening("exporter's password in a variable", o -> false, o -> {
          if (o instanceof StatefulSet s && s.getMetadata().getName().equals("redis")) {
            for (var c : s.getSpec().getTemplate().getSpec().getContainers()) {
              if (!c.getImage().startsWith(SentinelChecks.EXPORTER_IMAGE)) continue;
              c.getArgs().removeIf(a -> a.startsWith("--redis.password-file"));
              c.getEnv().add(new EnvVarBuilder().withName("REDIS_PASSWORD").withNewValueFrom()
                  .withNewSecretKeyRef(SentinelChecks.PASSWORD_KEY, Checks.SECRET, false).endValueFrom().build());
            }
          }
          return o;
        }, "REDIS_PASSWORD"),
        new Weakening("exporter on latest", o -> false, o -> {
          if (o instanceof StatefulSet s && s.getMetadata().getName().equals("redis")) {
            for (var c : s.getSpec().getTemplate().getSpec().getContainers()) {
              if (c.getImage().startsWith(SentinelChecks.EXPORTER_IMAGE)) c.setImage(SentinelChecks.EXPORTER_IMAGE + ":latest");
            }
          }
          return o;
        }, "pinned"),
        new Weakening("gateways declared dead during a failover", o -> false, o -> {
          if (o instanceof ConfigMap m && SentinelChecks.generated(m.getMetadata().getName(), "matchmaker-service-config")) m.getData().remove("NODE_TTL_MS");
          return o;
        }, "NODE_TTL_MS"),
        new Weakening("URL in the clear", o -> false, o -> {
          if (o instanceof ConfigMap m && Bundle.named(m, "tandem-common")) m.getData().put("REDIS_URL", "redis://:pw@redis-sentinel:26379");
          return o;
        }, "REDIS_URL must carry no password"),
        new Weakening("a second copy of the password", o -> false, o -> {
          if (o instanceof Deployment d && d.getMetadata().getName().equals("chat-service")) {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("REDIS_PASSWORD"))
                .forEach(e -> e.getValueFrom().getSecretKeyRef().setKey(SentinelChecks.URL_KEY));
          }
          return o;
        }, "REDIS_PASSWORD must come from Secret"));
    for (Weakening w : weakenings) {
      List<HasMetadata> objects = new ArrayList<>();
      for (HasMetadata o : production.objects) if (!w.drop().test(o)) objects.add(w.change().apply(Manifests.copy(o)));
      List<String> problems = SentinelChecks.problems(new Bundle("broken", objects));
      assertFalse(problems.isEmpty(), w.what() + " was not noticed");
      assertTrue(problems.stream().anyMatch(p -> p.contains(w.expected())), w.what() + ": expected '" + w.expected() + "' among" + Checks.lines(problems));
    }
  }
}
