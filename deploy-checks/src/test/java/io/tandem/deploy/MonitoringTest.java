package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The monitoring component scrapes every service, alerts on what matters, and charts every tandem_* meter. */
class MonitoringTest {

  @Test
  void alertsAndDashboardUseRealMetersAndCoverWhatMatters() {
    List<Render.Build> builds = Render.buildsWith("monitoring");
    assertTrue(builds.size() >= 2, "the monitoring component must be built on base and on production: " + builds);
    Set<String> meters = DeployDocsTest.meters();
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) problems.addAll(MonitoringChecks.problems(b.bundle(), meters));
    assertTrue(problems.isEmpty(), "monitoring:" + Checks.lines(problems));
  }

  /**
   * The Redis alerts' series come from redis_exporter, the redis-sentinel component's sidecar: it must
   * run beside Redis and be scraped in every build with the in-cluster Redis and the monitoring
   * component. Until that sidecar is in k8s/components/redis-sentinel this cannot pass: it fails
   * under CI=true and is skipped, with this message, otherwise.
   */
  @Test
  void theExportersTheAlertsUseAreShippedAndScraped() {
    boolean sidecar = Repo.files(Repo.k8s().resolve("components/redis-sentinel"), ".yaml").stream().anyMatch(f -> Repo.read(f).contains("redis_exporter"));
    String missing = "k8s/components/redis-sentinel has no redis_exporter sidecar yet: the Redis alerts' exporter is not checked";
    if (!sidecar) {
      if ("true".equals(System.getenv("CI"))) org.junit.jupiter.api.Assertions.fail(missing);
      org.junit.jupiter.api.Assumptions.abort(missing);
    }
    List<String> problems = new ArrayList<>();
    for (Render.Build b : Render.buildsWith("monitoring")) problems.addAll(MonitoringChecks.exporterProblems(b.bundle()));
    assertTrue(problems.isEmpty(), "exporters:" + Checks.lines(problems));
  }

  /** The exporter check can fail: a Redis without the sidecar, a sidecar nobody scrapes, a series the exporter does not have. */
  @Test
  void missingExportersAndUnknownExporterSeriesAreReported() {
    Bundle good = Render.builds().get("k8s/overlays/production+monitoring").bundle();
    assertTrue(MonitoringChecks.shippedSeriesUsed(good).containsAll(Set.of("redis_memory_used_bytes", "redis_connected_slaves", "redis_master_link_up", "redis_up")),
        "the alerts use redis_exporter's series: " + MonitoringChecks.shippedSeriesUsed(good));
    List<HasMetadata> without = new ArrayList<>();
    for (HasMetadata o : good.objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet st && st.getMetadata().getName().equals("redis")) {
        st.getSpec().getTemplate().getSpec().getContainers().removeIf(k -> k.getImage() != null && k.getImage().contains("redis_exporter"));
      }
      without.add(c);
    }
    List<String> problems = MonitoringChecks.exporterProblems(new Bundle("no-sidecar", without));
    assertTrue(problems.stream().anyMatch(p -> p.contains("no container runs redis_exporter")), "a missing sidecar must be reported:" + Checks.lines(problems));

    List<HasMetadata> unscraped = new ArrayList<>();
    for (HasMetadata o : without) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof io.fabric8.kubernetes.api.model.apps.StatefulSet st && st.getMetadata().getName().equals("redis")) {
        st.getSpec().getTemplate().getSpec().getContainers().add(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("exporter")
            .withImage("oliver006/redis_exporter:v1.0.0").addNewPort().withName("metrics").withContainerPort(9999).endPort().build());
      }
      unscraped.add(c);
    }
    List<String> notScraped = MonitoringChecks.exporterProblems(new Bundle("unscraped", unscraped));
    assertTrue(notScraped.stream().anyMatch(p -> p.contains("no PodMonitor scrapes a port of the redis_exporter container")), "an unscraped sidecar must be reported:" + Checks.lines(notScraped));

    List<String> series = MonitoringChecks.exprProblems("x", "redis_memory_usedbytes{job=~\".+/tandem-redis\"} > 1 and kube_pod_made_up{} > 0", Set.of(), Set.of("NAMESPACE/tandem-redis"), Set.of());
    assertTrue(series.stream().anyMatch(p -> p.contains("redis_memory_usedbytes is not one redis_exporter")), "a misspelled exporter series:" + Checks.lines(series));
    assertTrue(series.stream().anyMatch(p -> p.contains("kube_pod_made_up is not one kube-state-metrics")), "an unknown kube-state-metrics series:" + Checks.lines(series));
  }

  /** The checks can fail: a made-up meter, a missing topic, a missing severity, a misspelled field. */
  @Test
  void brokenRulesAreReported() {
    Set<String> meters = DeployDocsTest.meters();
    Bundle good = Render.buildsWith("monitoring").get(0).bundle();
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : good.objects) {
      if (!"PrometheusRule".equals(o.getKind())) objects.add(o);
    }
    objects.addAll(Manifests.parse("""
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata:
          name: broken
        spec:
          groups:
          - name: broken
            rules:
            - alert: TandemMadeUp
              expr: rate(tandem_made_up_total{job=~".+/tandem"}[5m]) > 1
              labels: {}
              annotations:
                summary: made up
            - alert: TandemWrongJob
              expr: sum(tandem_sockets_open{job="other"}) > (1
              labels: {severity: warning}
              annotations: {summary: x, description: y}
        """));
    List<String> problems = MonitoringChecks.problems(new Bundle("broken", objects), meters);
    for (String expected : List.of("tandem_made_up_total is not a meter", "labels.severity", "annotation description",
        "no alert on matching stalled", "no alert on members lost", "no alert on Redis memory", "no alert on certificate expiry", "no alert on coturn down", "job =\"other\"", "unbalanced ()")) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(problems));
    }
    assertTrue(MonitoringChecks.dashboardProblems("d", "{\"uid\": \"x\", \"title\": \"x\", \"panels\": []}", meters, Set.of(), Set.of())
        .stream().anyMatch(p -> p.contains("no panels")), "an empty dashboard must be reported");

    GenericKubernetesResource misspelled = (GenericKubernetesResource) Manifests.parse("""
        apiVersion: monitoring.coreos.com/v1
        kind: PrometheusRule
        metadata:
          name: x
        spec:
          groups:
          - name: g
            rules:
            - alert: A
              expresion: up == 0
              for: 5 minutes
        """).get(0);
    assertEquals(Set.of("spec.groups[0].rules[0].expresion", "spec.groups[0].rules[0].expr (required)",
        "spec.groups[0].rules[0].for (must be a duration such as 30s or 5m, got 5 minutes)"), Set.copyOf(UnknownFields.of(misspelled, false)));
    GenericKubernetesResource unknownKind = (GenericKubernetesResource) Manifests.parse("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: x\n").get(0);
    assertFalse(UnknownFields.of(unknownKind, false).isEmpty(), "a kind with neither a model nor a schema must be reported");
  }
}
