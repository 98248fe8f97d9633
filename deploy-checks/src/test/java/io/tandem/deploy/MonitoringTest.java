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
        "no alert on matching stalled", "no alert on members lost", "job =\"other\"", "unbalanced ()")) {
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
