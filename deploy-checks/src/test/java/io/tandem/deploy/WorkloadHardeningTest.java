package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every Deployment and StatefulSet: readiness and liveness probes (services: HTTP on the monitor
 * port), requests and limits, non-root user 10001, read-only root with a writable /tmp, no privilege
 * escalation, no capabilities, RuntimeDefault seccomp, one-pod-at-a-time rollouts, a grace period
 * long enough for the service's clean stop.
 */
class WorkloadHardeningTest {

  static Bundle sources() {
    List<HasMetadata> all = new ArrayList<>();
    for (Path f : Manifests.resourceFiles()) all.addAll(Manifests.parse(f));
    return new Bundle("sources", all);
  }

  @Test
  void everyWorkloadInTheSourcesIsHardened() {
    Bundle b = sources();
    assertTrue(b.services().size() == Repo.serviceModules().size(),
        "expected one Deployment per service " + Repo.serviceModules() + ", found " + b.services().stream().map(Bundle.Workload::id).toList());
    List<String> problems = Checks.hardening(b);
    assertTrue(problems.isEmpty(), "workloads that are not hardened:" + Checks.lines(problems));
  }

  @Test
  void everyWorkloadOfEveryBuildIsHardened() {
    List<String> problems = new ArrayList<>();
    for (Render.Build build : Render.builds().values()) problems.addAll(Checks.hardening(build.bundle()));
    assertTrue(problems.isEmpty(), "built workloads that are not hardened:" + Checks.lines(problems));
  }

  @Test
  void everyMultiReplicaWorkloadIsSpreadOverNodes() {
    List<String> problems = new ArrayList<>();
    for (Render.Build build : Render.builds().values()) problems.addAll(Checks.spread(build.bundle()));
    assertTrue(problems.isEmpty(), "workloads whose replicas may share a node:" + Checks.lines(problems));
    Bundle production = Render.builds().get("k8s/overlays/production").bundle();
    assertTrue(production.workloads().stream().filter(w -> w.replicas() == null || w.replicas() > 1).count() >= 6,
        "production must run several multi-replica workloads (4 services, redis, sentinels)");
  }

  /** The spread check can fail: no constraint, a soft one, one that selects other pods. */
  @Test
  void aMissingOrSoftSpreadIsReported() {
    Deployment gateway = sources().find(Deployment.class, "gateway-service").orElseThrow();
    gateway.getSpec().setReplicas(3);
    assertTrue(Checks.spread(new Bundle("intact", List.of(gateway))).isEmpty(), "the intact gateway must pass");
    record Weakening(String what, Consumer<Deployment> change, String expected) {}
    for (Weakening w : List.of(
        new Weakening("none", d -> d.getSpec().getTemplate().getSpec().setTopologySpreadConstraints(new ArrayList<>()), "nothing keeps two of them off one node"),
        new Weakening("soft", d -> d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().get(0).setWhenUnsatisfiable("ScheduleAnyway"), "DoNotSchedule"),
        new Weakening("taints ignored", d -> d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().get(0).setNodeTaintsPolicy(null), "nodeTaintsPolicy: Honor"),
        new Weakening("affinity ignored", d -> d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().get(1).setNodeAffinityPolicy("Ignore"), "nodeAffinityPolicy: Ignore"),
        new Weakening("other pods", d -> d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().get(0).getLabelSelector().getMatchLabels().put("app", "chat-service"), "own pods"))) {
      Deployment copy = Manifests.copy(gateway);
      w.change().accept(copy);
      List<String> problems = Checks.spread(new Bundle("broken", List.of(copy)));
      assertTrue(problems.stream().anyMatch(p -> p.contains(w.expected())), w.what() + ": expected '" + w.expected() + "' among" + Checks.lines(problems));
    }
  }

  /** The check can fail: each weakening of the gateway's Deployment is reported. */
  @Test
  void eachWeakeningIsReported() {
    Deployment gateway = sources().find(Deployment.class, "gateway-service").orElseThrow();
    assertTrue(Checks.hardening(new Bundle("intact", List.of(gateway))).isEmpty(), "the intact gateway must pass");
    record Weakening(String what, Consumer<Deployment> change, String expected) {}
    List<Weakening> weakenings = List.of(
        new Weakening("root user", d -> main(d).getSecurityContext().setRunAsUser(0L), "runAsUser must be 10001"),
        new Weakening("no limits", d -> main(d).getResources().setLimits(null), "needs a memory limit"),
        new Weakening("request over limit", d -> main(d).getResources().getRequests().put("cpu", new io.fabric8.kubernetes.api.model.Quantity("4")), "exceeds its limit"),
        new Weakening("no liveness probe", d -> main(d).setLivenessProbe(null), "needs a livenessProbe"),
        new Weakening("readiness elsewhere", d -> main(d).getReadinessProbe().getHttpGet().setPath("/ready"), "path must be /health/ready"),
        new Weakening("probe on the http port", d -> main(d).getLivenessProbe().getHttpGet().setPort(new IntOrString("http")), "port must be the named port monitor"),
        new Weakening("writable root", d -> main(d).getSecurityContext().setReadOnlyRootFilesystem(false), "readOnlyRootFilesystem"),
        new Weakening("capabilities kept", d -> main(d).getSecurityContext().getCapabilities().setDrop(List.of()), "drop ALL"),
        new Weakening("escalation", d -> main(d).getSecurityContext().setAllowPrivilegeEscalation(null), "allowPrivilegeEscalation"),
        new Weakening("no seccomp", d -> d.getSpec().getTemplate().getSpec().getSecurityContext().setSeccompProfile(null), "seccompProfile"),
        new Weakening("no /tmp", d -> main(d).getVolumeMounts().removeIf(m -> m.getMountPath().equals("/tmp")), "/tmp"),
        new Weakening("many at once", d -> d.getSpec().getStrategy().getRollingUpdate().setMaxSurge(new IntOrString(3)), "maxSurge must be 1"),
        new Weakening("drop before ready", d -> d.getSpec().getStrategy().getRollingUpdate().setMaxUnavailable(new IntOrString(1)), "maxUnavailable must be 0"),
        new Weakening("short grace", d -> d.getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(10L), "terminationGracePeriodSeconds"),
        new Weakening("service links", d -> d.getSpec().getTemplate().getSpec().setEnableServiceLinks(null), "enableServiceLinks"),
        new Weakening("API token", d -> d.getSpec().getTemplate().getSpec().setAutomountServiceAccountToken(true), "automountServiceAccountToken"));
    for (Weakening w : weakenings) {
      Deployment copy = Manifests.copy(gateway);
      w.change().accept(copy);
      List<String> problems = Checks.hardening(new Bundle("broken", List.of(copy)));
      assertFalse(problems.isEmpty(), w.what() + " was not noticed");
      assertTrue(problems.stream().anyMatch(p -> p.contains(w.expected())), w.what() + ": expected '" + w.expected() + "' among" + Checks.lines(problems));
    }
  }

  private static Container main(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }
}
