package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.ServiceCode.Kind;
import io.tandem.deploy.ServiceCode.Read;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules every build of k8s/ must keep, as functions from a {@link Bundle} to a list of problems
 * (empty = fine), so that each test can both check the real manifests and prove, on a broken copy,
 * that it notices.
 */
final class Checks {
  /** The user every container runs as (the images' USER). */
  static final long RUN_AS_USER = 10001;
  /** Name and number of the health/metrics port (MONITOR_PORT's default). */
  static final String MONITOR = "monitor";
  static final int MONITOR_PORT = 9090;
  static final String READY_PATH = "/health/ready";
  static final String LIVE_PATH = "/health/live";
  /** The one Secret the manifests use; the platform team creates it (docs/deploy.md). */
  static final String SECRET = "tandem-secrets";
  /** Certificates (kubernetes.io/tls Secrets, e.g. from cert-manager), also created by the platform team. */
  static final Set<String> TLS_SECRETS = Set.of("tandem-tls", "tandem-turn-tls");
  static final Set<String> TLS_KEYS = Set.of("tls.crt", "tls.key");
  /** The label that puts a pod into the Hazelcast cluster (selected by the headless Service). */
  static final String MEMBER_LABEL = "tandem.io/cluster-member";
  /** Variables the JVM itself reads: allowed although no project code reads them. */
  static final Set<String> JVM_VARIABLES = Set.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");
  /** Variables a service must get in Kubernetes: their defaults point at localhost. */
  static final List<String> REQUIRED = List.of("REDIS_URL");
  /** The variable holding a service's HTTP port, and the file whose DEFAULT_PORT is its default. */
  record HttpPort(String variable, String file) {}

  static final Map<String, HttpPort> HTTP_PORTS = Map.of(
      "gateway-service", new HttpPort("GATEWAY_PORT", "gateway-service/src/main/java/io/tandem/gateway/GatewayConfig.java"),
      "auth-service", new HttpPort("AUTH_PORT", "auth-service/src/main/java/io/tandem/auth/AuthConfig.java"));

  /** The gateway's exact grace period (the requirement). */
  static final int GATEWAY_GRACE_SECONDS = 30;

  private Checks() {}

  // ---------------------------------------------------------------- hardening

  /** Probes, resources, security context, /tmp, rollout strategy and grace period of every workload. */
  static List<String> hardening(Bundle b) {
    List<String> out = new ArrayList<>();
    for (Workload w : b.workloads()) {
      String id = b.name + ": " + w.id();
      PodSpec spec = w.template().getSpec();
      PodSecurityContext psc = spec.getSecurityContext() == null ? new PodSecurityContext() : spec.getSecurityContext();
      if (w.owner() instanceof Deployment d) {
        DeploymentStrategy s = d.getSpec().getStrategy();
        if (s == null || !"RollingUpdate".equals(s.getType()) || s.getRollingUpdate() == null) {
          out.add(id + ": strategy must be RollingUpdate with maxUnavailable 0 and maxSurge 1");
        } else {
          if (!isInt(s.getRollingUpdate().getMaxUnavailable(), 0)) out.add(id + ": rollingUpdate.maxUnavailable must be 0");
          if (!isInt(s.getRollingUpdate().getMaxSurge(), 1)) out.add(id + ": rollingUpdate.maxSurge must be 1 (one pod at a time)");
        }
      }
      if (w.owner() instanceof StatefulSet s) {
        if (s.getSpec().getUpdateStrategy() == null || !"RollingUpdate".equals(s.getSpec().getUpdateStrategy().getType())) {
          out.add(id + ": updateStrategy must be RollingUpdate");
        }
      }
      if (w.owner() instanceof DaemonSet ds) {
        var u = ds.getSpec().getUpdateStrategy();
        if (u == null || !"RollingUpdate".equals(u.getType()) || u.getRollingUpdate() == null) {
          out.add(id + ": updateStrategy must be RollingUpdate with maxUnavailable 1");
        } else {
          if (!isInt(u.getRollingUpdate().getMaxUnavailable(), 1)) out.add(id + ": rollingUpdate.maxUnavailable must be 1 (one node at a time)");
          // Two pods on the host network of one node would fight over the same ports.
          if (Boolean.TRUE.equals(spec.getHostNetwork()) && !isInt(u.getRollingUpdate().getMaxSurge(), 0)) {
            out.add(id + ": rollingUpdate.maxSurge must be 0 on the host network");
          }
        }
      }
      if (spec.getTerminationGracePeriodSeconds() == null) out.add(id + ": terminationGracePeriodSeconds must be set");
      if (!Boolean.FALSE.equals(spec.getAutomountServiceAccountToken())) {
        out.add(id + ": automountServiceAccountToken must be false (no pod talks to the API server)");
      }
      for (Container c : w.containers()) {
        String cid = id + " container " + c.getName();
        boolean init = spec.getInitContainers().contains(c);
        if (!init) {
          if (!hasHandler(c.getReadinessProbe())) out.add(cid + ": needs a readinessProbe");
          if (!hasHandler(c.getLivenessProbe())) out.add(cid + ": needs a livenessProbe");
        }
        out.addAll(resourceProblems(cid, c.getResources()));
        SecurityContext sc = c.getSecurityContext() == null ? new SecurityContext() : c.getSecurityContext();
        if (!Boolean.TRUE.equals(first(sc.getRunAsNonRoot(), psc.getRunAsNonRoot()))) out.add(cid + ": runAsNonRoot must be true");
        Long uid = first(sc.getRunAsUser(), psc.getRunAsUser());
        if (!Objects.equals(uid, RUN_AS_USER)) out.add(cid + ": runAsUser must be " + RUN_AS_USER + ", got " + uid);
        SeccompProfile seccomp = first(sc.getSeccompProfile(), psc.getSeccompProfile());
        if (seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) out.add(cid + ": seccompProfile must be RuntimeDefault");
        if (!Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) out.add(cid + ": allowPrivilegeEscalation must be false");
        if (!Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) out.add(cid + ": readOnlyRootFilesystem must be true");
        if (Boolean.TRUE.equals(sc.getPrivileged())) out.add(cid + ": must not be privileged");
        Capabilities caps = sc.getCapabilities();
        if (caps == null || caps.getDrop() == null || !caps.getDrop().contains("ALL")) out.add(cid + ": capabilities must drop ALL");
        if (caps != null && caps.getAdd() != null && !caps.getAdd().isEmpty() && !caps.getAdd().equals(fileCapabilities(c.getImage()))) {
          out.add(cid + ": must add no capabilities, adds " + caps.getAdd());
        }
        if (!writableTmp(spec, c)) out.add(cid + ": needs an emptyDir mounted at /tmp (the root filesystem is read-only)");
      }
      if (w.service() != null) out.addAll(serviceShape(b, w));
    }
    return out;
  }

  /** What a Tandem service pod needs beyond hardening: monitor probes, no service links, the grace period. */
  private static List<String> serviceShape(Bundle b, Workload w) {
    List<String> out = new ArrayList<>();
    String id = b.name + ": " + w.id();
    PodSpec spec = w.template().getSpec();
    Container c = w.main();
    if (c == null || !w.service().equals(c.getName())) {
      out.add(id + ": the service's container must be named " + w.service());
      return out;
    }
    Optional<ContainerPort> monitor = Bundle.port(c, MONITOR);
    if (monitor.isEmpty() || monitor.get().getContainerPort() != MONITOR_PORT) {
      out.add(id + ": needs a container port named " + MONITOR + " = " + MONITOR_PORT);
    }
    Map<String, Setting> env = environment(b, id, c, new ArrayList<>());
    long monitorPort = parse(value(env, "MONITOR_PORT"), ServiceCode.intConstant("common/src/main/java/io/tandem/common/MonitorVerticle.java", "DEFAULT_PORT"));
    if (monitorPort != MONITOR_PORT) out.add(id + ": MONITOR_PORT is " + monitorPort + " but the probes and policies use " + MONITOR_PORT);
    HttpPort http = HTTP_PORTS.get(w.service());
    if (http != null) {
      long port = parse(value(env, http.variable()), ServiceCode.intConstant(http.file(), "DEFAULT_PORT"));
      Optional<ContainerPort> p = Bundle.port(c, "http");
      if (p.isEmpty() || p.get().getContainerPort() != port) out.add(id + ": the container port named http must be " + http.variable() + " = " + port);
    }
    out.addAll(httpProbe(id + " readinessProbe", c.getReadinessProbe(), READY_PATH));
    out.addAll(httpProbe(id + " livenessProbe", c.getLivenessProbe(), LIVE_PATH));
    if (!Boolean.FALSE.equals(spec.getEnableServiceLinks())) {
      out.add(id + ": enableServiceLinks must be false (service links inject *_PORT variables the code would read)");
    }
    Long grace = spec.getTerminationGracePeriodSeconds();
    long stop = ServiceCode.intConstant("common/src/main/java/io/tandem/common/ServiceRunner.java", "STOP_TIMEOUT_SECONDS");
    long preStop = preStopSleepSeconds(c);
    if (grace != null && grace < stop + preStop) {
      out.add(id + ": terminationGracePeriodSeconds " + grace + " < preStop " + preStop + " s + the service's stop timeout "
          + stop + " s (ServiceRunner.STOP_TIMEOUT_SECONDS)");
    }
    if ("gateway-service".equals(w.service()) && (grace == null || grace != GATEWAY_GRACE_SECONDS)) {
      out.add(id + ": terminationGracePeriodSeconds must be " + GATEWAY_GRACE_SECONDS + ", got " + grace);
    }
    return out;
  }

  private static List<String> httpProbe(String id, Probe p, String path) {
    if (p == null || p.getHttpGet() == null) return List.of(id + ": must be an HTTP GET of " + path + " on port " + MONITOR);
    List<String> out = new ArrayList<>();
    if (!path.equals(p.getHttpGet().getPath())) out.add(id + ": path must be " + path + ", got " + p.getHttpGet().getPath());
    IntOrString port = p.getHttpGet().getPort();
    if (port == null || !MONITOR.equals(port.getStrVal())) out.add(id + ": port must be the named port " + MONITOR + ", got " + text(port));
    return out;
  }

  static long preStopSleepSeconds(Container c) {
    if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) return 0;
    var h = c.getLifecycle().getPreStop();
    if (h.getSleep() != null && h.getSleep().getSeconds() != null) return h.getSleep().getSeconds();
    if (h.getExec() != null && h.getExec().getCommand().size() == 2 && "sleep".equals(h.getExec().getCommand().get(0))) {
      return Long.parseLong(h.getExec().getCommand().get(1));
    }
    return 0;
  }

  private static List<String> resourceProblems(String cid, ResourceRequirements r) {
    List<String> out = new ArrayList<>();
    for (String kind : List.of("cpu", "memory")) {
      Quantity req = r == null || r.getRequests() == null ? null : r.getRequests().get(kind);
      Quantity lim = r == null || r.getLimits() == null ? null : r.getLimits().get(kind);
      if (req == null) out.add(cid + ": needs a " + kind + " request");
      if (lim == null) out.add(cid + ": needs a " + kind + " limit");
      if (req != null && lim != null) {
        try {
          BigDecimal a = req.getNumericalAmount();
          BigDecimal b = lim.getNumericalAmount();
          if (a.compareTo(b) > 0) out.add(cid + ": " + kind + " request " + req + " exceeds its limit " + lim);
        } catch (RuntimeException e) {
          out.add(cid + ": " + kind + " quantity is malformed: " + e.getMessage());
        }
      }
    }
    return out;
  }

  private static boolean writableTmp(PodSpec spec, Container c) {
    for (VolumeMount m : c.getVolumeMounts()) {
      if (!"/tmp".equals(m.getMountPath()) || Boolean.TRUE.equals(m.getReadOnly())) continue;
      for (Volume v : spec.getVolumes()) if (v.getName().equals(m.getName()) && v.getEmptyDir() != null) return true;
    }
    return false;
  }

  private static boolean hasHandler(Probe p) {
    return p != null && (p.getHttpGet() != null || p.getTcpSocket() != null || p.getExec() != null || p.getGrpc() != null);
  }

  private static boolean isInt(IntOrString v, int n) {
    if (v == null) return false;
    if (v.getIntVal() != null) return v.getIntVal() == n;
    return n == 0 && "0%".equals(v.getStrVal());
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) if (v != null) return v;
    return null;
  }

  // ---------------------------------------------------------------- spread

  /** The node label that spreading over nodes uses. */
  static final String HOSTNAME_KEY = "kubernetes.io/hostname";

  /**
   * Every workload that may run two or more pods (a replica count above 1, or none because an
   * autoscaler owns it) keeps two of them off one node: a topology spread over
   * kubernetes.io/hostname that the scheduler enforces (DoNotSchedule, maxSkew 1) or a required
   * pod anti-affinity on it, selecting the workload's own pods. Every spread constraint counts only
   * the nodes the pod may run on (nodeTaintsPolicy Honor, nodeAffinityPolicy not Ignore): tainted
   * nodes (TURN nodes, control planes) would otherwise be empty domains that a DoNotSchedule
   * constraint with maxSkew 1 waits for forever, leaving new replicas Pending.
   */
  static List<String> spread(Bundle b) {
    List<String> out = new ArrayList<>();
    for (Workload w : b.workloads()) {
      for (TopologySpreadConstraint t : w.template().getSpec().getTopologySpreadConstraints()) {
        String where = b.name + ": " + w.id() + ": the spread over " + t.getTopologyKey();
        if (!"Honor".equals(t.getNodeTaintsPolicy())) {
          out.add(where + " must set nodeTaintsPolicy: Honor (tainted nodes the pod cannot use would count as empty domains), got " + t.getNodeTaintsPolicy());
        }
        if ("Ignore".equals(t.getNodeAffinityPolicy())) out.add(where + " must not set nodeAffinityPolicy: Ignore (nodes outside its nodeSelector would count)");
      }
    }
    for (Workload w : b.workloads()) {
      Integer replicas = w.replicas();
      if (replicas != null && (replicas == -1 || replicas <= 1)) continue;
      String id = b.name + ": " + w.id();
      PodSpec spec = w.template().getSpec();
      boolean spreads = false;
      for (TopologySpreadConstraint t : spec.getTopologySpreadConstraints()) {
        if (!HOSTNAME_KEY.equals(t.getTopologyKey())) continue;
        if (!"DoNotSchedule".equals(t.getWhenUnsatisfiable())) {
          out.add(id + ": the spread over " + HOSTNAME_KEY + " must be DoNotSchedule (ScheduleAnyway lets two replicas share a node)");
          continue;
        }
        if (t.getMaxSkew() == null || t.getMaxSkew() != 1) {
          out.add(id + ": the spread over " + HOSTNAME_KEY + " must have maxSkew 1, got " + t.getMaxSkew());
          continue;
        }
        if (t.getLabelSelector() == null || isEmpty(t.getLabelSelector()) || !Bundle.matches(t.getLabelSelector(), w.podLabels())) {
          out.add(id + ": the spread over " + HOSTNAME_KEY + " must select the workload's own pods");
          continue;
        }
        spreads = true;
      }
      var anti = spec.getAffinity() == null ? null : spec.getAffinity().getPodAntiAffinity();
      if (anti != null) {
        for (var term : anti.getRequiredDuringSchedulingIgnoredDuringExecution()) {
          if (HOSTNAME_KEY.equals(term.getTopologyKey()) && term.getLabelSelector() != null && !isEmpty(term.getLabelSelector())
              && Bundle.matches(term.getLabelSelector(), w.podLabels())) {
            spreads = true;
          }
        }
      }
      if (!spreads) {
        out.add(id + ": runs " + (replicas == null ? "an autoscaled number of" : replicas) + " replicas but nothing keeps two of them off one node"
            + " (topologySpreadConstraints on " + HOSTNAME_KEY + " with DoNotSchedule, or a required podAntiAffinity)");
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- environment

  /** Where a variable's value comes from, and the value when it is a literal. */
  record Setting(String name, String origin, String value) {}

  /**
   * The variables a container gets, as Kubernetes resolves them: envFrom sources in order, then env
   * (later wins). Unresolvable sources are reported into {@code problems}.
   */
  static Map<String, Setting> environment(Bundle b, String id, Container c, List<String> problems) {
    Map<String, Setting> out = new LinkedHashMap<>();
    Map<String, Map<String, String>> configMaps = b.configMaps();
    for (EnvFromSource from : c.getEnvFrom()) {
      String prefix = from.getPrefix() == null ? "" : from.getPrefix();
      if (from.getSecretRef() != null) {
        problems.add(id + ": envFrom secretRef " + from.getSecretRef().getName()
            + " hides which variables are set: use env with secretKeyRef, one variable at a time");
      }
      if (from.getConfigMapRef() != null) {
        String name = from.getConfigMapRef().getName();
        Map<String, String> data = configMaps.get(name);
        if (data == null) {
          if (!Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) problems.add(id + ": envFrom names ConfigMap " + name + ", which is not defined");
          continue;
        }
        data.forEach((k, v) -> out.put(prefix + k, new Setting(prefix + k, "ConfigMap " + name, v)));
      }
    }
    for (EnvVar e : c.getEnv()) {
      String value = e.getValue();
      String origin = "env";
      if (e.getValueFrom() != null) {
        var vf = e.getValueFrom();
        if (vf.getFieldRef() != null) {
          origin = "env fieldRef " + vf.getFieldRef().getFieldPath();
        } else if (vf.getSecretKeyRef() != null) {
          origin = "env secretKeyRef " + vf.getSecretKeyRef().getName() + "/" + vf.getSecretKeyRef().getKey();
        } else if (vf.getConfigMapKeyRef() != null) {
          ConfigMapKeySelector ref = vf.getConfigMapKeyRef();
          origin = "env configMapKeyRef " + ref.getName() + "/" + ref.getKey();
          Map<String, String> data = configMaps.get(ref.getName());
          value = data == null ? null : data.get(ref.getKey());
        } else if (vf.getResourceFieldRef() != null) {
          origin = "env resourceFieldRef " + vf.getResourceFieldRef().getResource();
        }
      }
      out.put(e.getName(), new Setting(e.getName(), origin, value));
    }
    return out;
  }

  /**
   * Every variable a service container gets is one its code reads ({@link ServiceCode}); every
   * required one is set; literal values fit what the code accepts (integers in range, booleans).
   */
  static List<String> environmentContract(Bundle b, Map<String, Map<String, List<Read>>> readsByService) {
    return environmentContract(b, readsByService, true);
  }

  /**
   * The same; with {@code requireAll} false only what is set is checked (for patches, which hold a
   * part of a Deployment and rely on the base for the rest).
   */
  static List<String> environmentContract(Bundle b, Map<String, Map<String, List<Read>>> readsByService, boolean requireAll) {
    List<String> out = new ArrayList<>();
    for (Workload w : b.services()) {
      String id = b.name + ": " + w.id();
      Map<String, List<Read>> reads = readsByService.get(w.service());
      if (reads == null) {
        out.add(id + ": no derived variable list for " + w.service());
        continue;
      }
      for (Container c : w.containers()) {
        String cid = id + " container " + c.getName();
        Map<String, Setting> env = environment(b, cid, c, out);
        for (Setting s : env.values()) {
          if (!reads.containsKey(s.name()) && !JVM_VARIABLES.contains(s.name())) {
            out.add(cid + ": " + s.name() + " (" + s.origin() + ") is not read by " + w.service()
                + "'s code or its project dependencies: remove it, or add it once the code reads it");
            continue;
          }
          if (s.value() != null && reads.containsKey(s.name())) out.addAll(valueProblems(cid, s, reads.get(s.name())));
        }
        if (requireAll && c == w.main()) {
          for (String r : REQUIRED) {
            Setting s = env.get(r);
            if (s == null || (s.value() != null && s.value().isBlank())) out.add(cid + ": " + r + " must be set (its default points at localhost)");
          }
        }
      }
    }
    return out;
  }

  private static List<String> valueProblems(String cid, Setting s, List<Read> reads) {
    List<String> out = new ArrayList<>();
    String v = s.value().trim();
    for (Read r : reads) {
      if (r.kind() == Kind.INTEGER) {
        try {
          long n = Long.parseLong(v);
          if ((r.min() != null && n < r.min()) || (r.max() != null && n > r.max())) {
            out.add(cid + ": " + s.name() + "=" + v + " (" + s.origin() + ") is outside " + r.min() + ".." + r.max() + " (" + r.where() + ")");
          }
        } catch (NumberFormatException e) {
          out.add(cid + ": " + s.name() + "=" + v + " (" + s.origin() + ") is not an integer (" + r.where() + ")");
        }
      }
      if (r.kind() == Kind.BOOL && !Set.of("true", "false", "1", "0", "yes", "no").contains(v.toLowerCase())) {
        out.add(cid + ": " + s.name() + "=" + v + " (" + s.origin() + ") is not a boolean (" + r.where() + ")");
      }
    }
    return out;
  }

  /**
   * A variable that the own code (not the shared common/ module) of two or more services reads is
   * a setting they share (token issuer, hash secret): wherever one service gets it, every other
   * such service gets it too, from the same place with the same value.
   */
  static List<String> sharedSettingsAgree(Bundle b, Map<String, Map<String, List<Read>>> readsByService) {
    List<String> out = new ArrayList<>();
    Map<String, List<String>> readers = new LinkedHashMap<>();
    readsByService.forEach((service, reads) -> reads.forEach((name, rs) -> {
      if (rs.stream().anyMatch(r -> r.where().startsWith(service + "/"))) readers.computeIfAbsent(name, k -> new ArrayList<>()).add(service);
    }));
    Map<String, Map<String, Setting>> envs = new LinkedHashMap<>();
    for (Workload w : b.services()) envs.put(w.service(), environment(b, w.id(), w.main(), new ArrayList<>()));
    readers.forEach((name, services) -> {
      List<String> present = services.stream().filter(envs::containsKey).toList();
      if (present.size() < 2) return;
      Set<String> variants = new java.util.LinkedHashSet<>();
      for (String s : present) {
        Setting v = envs.get(s).get(name);
        variants.add(v == null ? "unset" : v.value() != null ? "'" + v.value() + "'" : v.origin());
      }
      if (variants.size() > 1) {
        List<String> detail = new ArrayList<>();
        for (String s : present) {
          Setting v = envs.get(s).get(name);
          detail.add(s + ": " + (v == null ? "unset" : v.value() != null ? "'" + v.value() + "' (" + v.origin() + ")" : v.origin()));
        }
        out.add(b.name + ": " + name + " is read by " + present + ", which must get the same value: " + String.join("; ", detail));
      }
    });
    return out;
  }

  // ---------------------------------------------------------------- cluster wiring

  /**
   * The Hazelcast and event-bus settings of each service agree with the manifests: Kubernetes
   * discovery through a headless Service that lists not-ready pods and selects this pod, on the
   * container's hazelcast port; a fixed event-bus port outside Hazelcast's auto-increment range,
   * bound on all interfaces and advertised as the pod IP.
   */
  static List<String> clusterWiring(Bundle b) {
    List<String> out = new ArrayList<>();
    String clusterSetup = "common/src/main/java/io/tandem/common/ClusterSetup.java";
    long defaultPort = ServiceCode.intConstant(clusterSetup, "DEFAULT_PORT");
    long portCount = hazelcastPortCount(clusterSetup);
    for (Workload w : b.services()) {
      String id = b.name + ": " + w.id();
      Container c = w.main();
      Map<String, Setting> env = environment(b, id, c, new ArrayList<>());
      String discovery = value(env, "CLUSTER_DISCOVERY");
      if (!"kubernetes".equals(discovery)) out.add(id + ": CLUSTER_DISCOVERY must be kubernetes, got " + discovery);
      long clusterPort = parse(value(env, "CLUSTER_PORT"), defaultPort);
      Optional<ContainerPort> hz = Bundle.port(c, "hazelcast");
      if (hz.isEmpty() || hz.get().getContainerPort() != clusterPort) out.add(id + ": needs a container port named hazelcast = CLUSTER_PORT " + clusterPort);
      String dns = value(env, "CLUSTER_K8S_SERVICE_DNS");
      if (dns == null) {
        out.add(id + ": CLUSTER_K8S_SERVICE_DNS must name the headless Service");
      } else {
        String svcName = dns.contains(".") ? dns.substring(0, dns.indexOf('.')) : dns;
        Optional<Service> svc = b.find(Service.class, svcName);
        if (svc.isEmpty()) {
          out.add(id + ": CLUSTER_K8S_SERVICE_DNS=" + dns + " names no Service");
        } else {
          var spec = svc.get().getSpec();
          if (!"None".equals(spec.getClusterIP())) out.add(b.name + ": Service " + svcName + " must be headless (clusterIP: None)");
          if (!Boolean.TRUE.equals(spec.getPublishNotReadyAddresses())) out.add(b.name + ": Service " + svcName + " must set publishNotReadyAddresses: true");
          if (spec.getSelector() == null || spec.getSelector().isEmpty() || !w.podLabels().entrySet().containsAll(spec.getSelector().entrySet())) {
            out.add(id + ": the pods are not selected by the Hazelcast Service " + svcName);
          }
          if (spec.getPorts().stream().noneMatch(p -> p.getPort() == clusterPort)) out.add(b.name + ": Service " + svcName + " needs port " + clusterPort);
        }
      }
      String busPortText = value(env, "EVENTBUS_PORT");
      long busPort = parse(busPortText, 0);
      if (busPort == 0) {
        out.add(id + ": EVENTBUS_PORT must be a fixed port (NetworkPolicies and peers need it)");
      } else {
        if (busPort >= clusterPort && busPort < clusterPort + portCount) {
          out.add(id + ": EVENTBUS_PORT " + busPort + " lies in Hazelcast's port range " + clusterPort + ".." + (clusterPort + portCount - 1));
        }
        Optional<ContainerPort> eb = Bundle.port(c, "eventbus");
        if (eb.isEmpty() || eb.get().getContainerPort() != busPort) out.add(id + ": needs a container port named eventbus = EVENTBUS_PORT " + busPort);
      }
      String host = value(env, "EVENTBUS_HOST");
      if (host == null || host.startsWith("127.") || host.equals("localhost")) {
        out.add(id + ": EVENTBUS_HOST must be 0.0.0.0 (the default 127.0.0.1 is unreachable from other pods), got " + host);
      }
      Setting pub = env.get("EVENTBUS_PUBLIC_HOST");
      if (pub == null || !"env fieldRef status.podIP".equals(pub.origin())) out.add(id + ": EVENTBUS_PUBLIC_HOST must come from fieldRef status.podIP");
    }
    return out;
  }

  /** Hazelcast's port count, from {@code setPortCount(...)} in ClusterSetup. */
  static long hazelcastPortCount(String clusterSetup) {
    String text = Repo.read(Repo.root().resolve(clusterSetup));
    var m = java.util.regex.Pattern.compile("setPortCount\\(([^)]*)\\)").matcher(text);
    if (!m.find()) return 1;
    String expr = m.group(1);
    var constant = java.util.regex.Pattern.compile("[A-Z][A-Z0-9_]+").matcher(expr);
    StringBuilder sb = new StringBuilder();
    while (constant.find()) constant.appendReplacement(sb, Long.toString(ServiceCode.intConstant(clusterSetup, constant.group())));
    constant.appendTail(sb);
    Long n = ServiceCode.evaluate(sb.toString());
    if (n == null) throw new IllegalStateException("cannot evaluate Hazelcast's port count: " + expr);
    return n;
  }

  private static String value(Map<String, Setting> env, String name) {
    Setting s = env.get(name);
    return s == null ? null : s.value();
  }

  private static long parse(String v, long def) {
    if (v == null) return def;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // ---------------------------------------------------------------- references

  /** Names point at objects that exist: ConfigMaps, the one Secret, Service selectors and ports, Ingress backends, HPA and PDB targets. */
  static List<String> references(Bundle b) {
    List<String> out = new ArrayList<>();
    Map<String, Map<String, String>> configMaps = b.configMaps();
    for (HasMetadata o : b.objects) {
      if ("Secret".equals(o.getKind())) out.add(b.name + ": " + UnknownFields.id(o) + ": no Secret may be committed; reference " + SECRET);
    }
    for (Workload w : b.workloads()) {
      String id = b.name + ": " + w.id();
      PodSpec spec = w.template().getSpec();
      for (Volume v : spec.getVolumes()) {
        if (v.getConfigMap() != null && !configMaps.containsKey(v.getConfigMap().getName()) && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
          out.add(id + ": volume " + v.getName() + " names ConfigMap " + v.getConfigMap().getName() + ", which is not defined");
        }
        if (v.getSecret() != null && TLS_SECRETS.contains(v.getSecret().getSecretName())) {
          if (v.getSecret().getItems().isEmpty() || v.getSecret().getItems().stream().anyMatch(i -> !TLS_KEYS.contains(i.getKey()))) {
            out.add(id + ": volume " + v.getName() + " must list the items of TLS Secret " + v.getSecret().getSecretName() + ", only " + TLS_KEYS);
          }
        } else if (v.getSecret() != null && EventBusTlsChecks.SECRETS.containsValue(v.getSecret().getSecretName())) {
          if (v.getSecret().getItems().isEmpty() || v.getSecret().getItems().stream().anyMatch(i -> !EventBusTlsChecks.KEYS.contains(i.getKey()))) {
            out.add(id + ": volume " + v.getName() + " must list the items of Secret " + v.getSecret().getSecretName() + ", only " + EventBusTlsChecks.KEYS);
          }
        } else if (v.getSecret() != null && !SECRET.equals(v.getSecret().getSecretName())) {
          out.add(id + ": volume " + v.getName() + " names Secret " + v.getSecret().getSecretName() + "; the only Secrets are " + SECRET + " and the certificates " + TLS_SECRETS
              + " and " + EventBusTlsChecks.SECRETS.values());
        }
      }
      for (Container c : w.containers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() == null) continue;
          SecretKeySelector s = e.getValueFrom().getSecretKeyRef();
          if (s != null && !SECRET.equals(s.getName())) out.add(id + ": " + e.getName() + " names Secret " + s.getName() + "; the only Secret is " + SECRET);
          ConfigMapKeySelector cm = e.getValueFrom().getConfigMapKeyRef();
          if (cm != null && !Boolean.TRUE.equals(cm.getOptional())
              && (!configMaps.containsKey(cm.getName()) || !configMaps.get(cm.getName()).containsKey(cm.getKey()))) {
            out.add(id + ": " + e.getName() + " names ConfigMap key " + cm.getName() + "/" + cm.getKey() + ", which is not defined");
          }
        }
        for (EnvFromSource from : c.getEnvFrom()) {
          if (from.getSecretRef() != null && !SECRET.equals(from.getSecretRef().getName())) {
            out.add(id + ": envFrom names Secret " + from.getSecretRef().getName() + "; the only Secret is " + SECRET);
          }
          if (from.getConfigMapRef() != null && !configMaps.containsKey(from.getConfigMapRef().getName())
              && !Boolean.TRUE.equals(from.getConfigMapRef().getOptional())) {
            out.add(id + ": envFrom names ConfigMap " + from.getConfigMapRef().getName() + ", which is not defined");
          }
        }
      }
      if (w.owner() instanceof Deployment d && d.getSpec().getSelector() != null
          && !Bundle.matches(d.getSpec().getSelector(), w.podLabels())) {
        out.add(id + ": its selector does not match its own pod template");
      }
      if (w.owner() instanceof StatefulSet s && s.getSpec().getServiceName() != null && b.find(Service.class, s.getSpec().getServiceName()).isEmpty()) {
        out.add(id + ": serviceName " + s.getSpec().getServiceName() + " names no Service");
      }
    }
    for (Service s : b.all(Service.class)) {
      String id = b.name + ": " + UnknownFields.id(s);
      Map<String, String> selector = s.getSpec().getSelector();
      List<Workload> pods = b.selectedBy(selector);
      if (pods.isEmpty()) {
        out.add(id + ": its selector " + selector + " selects no pods");
        continue;
      }
      for (ServicePort p : s.getSpec().getPorts()) {
        for (Workload w : pods) {
          if (!hasContainerPort(w, p.getTargetPort() == null ? new IntOrString(p.getPort()) : p.getTargetPort(), protocol(p.getProtocol()))) {
            out.add(id + ": port " + p.getName() + " targets " + text(p.getTargetPort()) + ", which " + w.id() + " does not expose");
          }
        }
      }
    }
    for (Ingress ing : b.all(Ingress.class)) {
      String id = b.name + ": " + UnknownFields.id(ing);
      for (IngressRule r : ing.getSpec().getRules()) {
        if (r.getHttp() == null) continue;
        for (HTTPIngressPath p : r.getHttp().getPaths()) {
          IngressServiceBackend be = p.getBackend() == null ? null : p.getBackend().getService();
          if (be == null) {
            out.add(id + ": path " + p.getPath() + " has no service backend");
            continue;
          }
          Optional<Service> svc = b.find(Service.class, be.getName());
          if (svc.isEmpty()) {
            out.add(id + ": path " + p.getPath() + " names Service " + be.getName() + ", which is not defined");
          } else if (svc.get().getSpec().getPorts().stream().noneMatch(sp -> be.getPort() != null
              && (Objects.equals(sp.getName(), be.getPort().getName()) || Objects.equals(sp.getPort(), be.getPort().getNumber())))) {
            out.add(id + ": path " + p.getPath() + " names port " + be.getPort() + " that Service " + be.getName() + " does not have");
          }
        }
      }
    }
    Routes.of(b, out);
    for (HorizontalPodAutoscaler h : b.all(HorizontalPodAutoscaler.class)) {
      var ref = h.getSpec().getScaleTargetRef();
      boolean found = b.workloads().stream().anyMatch(w -> w.owner().getKind().equals(ref.getKind()) && w.owner().getMetadata().getName().equals(ref.getName()));
      if (!found) out.add(b.name + ": " + UnknownFields.id(h) + " targets " + ref.getKind() + "/" + ref.getName() + ", which is not defined");
    }
    for (PodDisruptionBudget p : b.all(PodDisruptionBudget.class)) {
      int n = b.selectedBy(p.getSpec().getSelector()).size();
      if (n != 1) out.add(b.name + ": " + UnknownFields.id(p) + " selects the pods of " + n + " workloads (must be exactly one)");
    }
    for (NetworkPolicy np : b.all(NetworkPolicy.class)) {
      if (NetworkFlows.selected(b, np).isEmpty()) out.add(b.name + ": " + UnknownFields.id(np) + " selects no pods");
    }
    return out;
  }

  /** An int-or-string as written. */
  static String text(IntOrString v) {
    if (v == null) return "null";
    return v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
  }

  private static String protocol(String p) {
    return p == null ? "TCP" : p;
  }

  private static boolean hasContainerPort(Workload w, IntOrString target, String protocol) {
    for (Container c : w.template().getSpec().getContainers()) {
      for (ContainerPort p : c.getPorts()) {
        if (!protocol.equals(protocol(p.getProtocol()))) continue;
        if (target.getStrVal() != null ? target.getStrVal().equals(p.getName()) : Objects.equals(target.getIntVal(), p.getContainerPort())) return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- ingress

  /** How long a /signaling WebSocket may stay open through the proxy, at least (an idle but live call). */
  static final long SIGNALING_TIMEOUT_SECONDS = 3600;

  /**
   * The public routes (Ingress or Gateway API): /auth to auth-service, /signaling and / to the
   * gateway, a WebSocket-friendly time limit on /signaling, TLS on every host in production, the
   * client-address and origin settings of the services behind.
   */
  static List<String> ingressRoutes(Bundle b, boolean requireTls) {
    List<String> out = new ArrayList<>();
    List<Routes.Route> routes = Routes.of(b, out);
    Map<String, String> table = new LinkedHashMap<>();
    for (Routes.Route r : routes) {
      String id = b.name + ": " + r.owner();
      if (requireTls) {
        if (r.host() == null) out.add(id + ": every rule needs a host");
        else if (!r.tls()) out.add(id + ": host " + r.host() + " has no tls entry");
      }
      if (r.service() == null) {
        out.add(id + ": path " + r.path() + " has no service backend");
        continue;
      }
      table.putIfAbsent(r.path(), r.owner() + "->" + r.service());
      if ("/signaling".equals(r.path()) && (r.timeoutSeconds() == null || r.timeoutSeconds() < SIGNALING_TIMEOUT_SECONDS)) {
        out.add(id + " serves /signaling: a WebSocket must be allowed to last at least " + SIGNALING_TIMEOUT_SECONDS + " s ("
            + (r.owner().startsWith("Ingress/") ? "annotations " + Routes.NGINX_TIMEOUTS : "timeouts.request \"0s\" or at least 1h")
            + "), got " + (r.timeoutSeconds() == null ? "the proxy's default" : r.timeoutSeconds() + " s"));
      }
      for (Workload w : b.services()) {
        boolean behind = b.servicesSelecting(w).stream().anyMatch(s -> s.getMetadata().getName().equals(r.service()));
        if (!behind) continue;
        Map<String, Setting> env = environment(b, w.id(), w.main(), new ArrayList<>());
        if (parse(value(env, "TRUSTED_PROXY_HOPS"), 0) < 1) {
          out.add(b.name + ": " + w.id() + " is behind " + r.owner() + ": TRUSTED_PROXY_HOPS must be at least 1, or every user"
              + " shares the proxy's address in rate limits and IP blocks");
        }
        if ("/signaling".equals(r.path()) && r.host() != null && r.tls()) {
          String origins = value(env, "ALLOWED_ORIGINS");
          List<String> list = origins == null ? List.of() : List.of(origins.split("\\s*,\\s*"));
          if (!list.contains("https://" + r.host())) {
            out.add(b.name + ": " + w.id() + " serves wss://" + r.host() + "/signaling behind TLS: ALLOWED_ORIGINS must list https://"
                + r.host() + " (the gateway sees plain http), got " + origins);
          }
        }
      }
    }
    expectRoute(out, b, table, "/auth", "auth-service");
    expectRoute(out, b, table, "/signaling", "gateway-service");
    expectRoute(out, b, table, "/", "gateway-service");
    return out.stream().distinct().toList();
  }

  private static void expectRoute(List<String> out, Bundle b, Map<String, String> routes, String path, String service) {
    String r = routes.get(path);
    if (r == null || !r.endsWith("->" + service)) out.add(b.name + ": the Ingress or HTTPRoutes must route " + path + " to " + service + ", got " + r);
  }

  // ---------------------------------------------------------------- production

  /** Production: an autoscaler for the gateways, a disruption budget for every service. */
  static List<String> productionScaling(Bundle b) {
    List<String> out = new ArrayList<>();
    boolean hpa = b.all(HorizontalPodAutoscaler.class).stream().anyMatch(h -> "gateway-service".equals(h.getSpec().getScaleTargetRef().getName())
        && h.getSpec().getMinReplicas() != null && h.getSpec().getMinReplicas() >= 2);
    if (!hpa) out.add(b.name + ": needs a HorizontalPodAutoscaler for gateway-service with minReplicas >= 2");
    for (HorizontalPodAutoscaler h : b.all(HorizontalPodAutoscaler.class)) {
      b.find(Deployment.class, h.getSpec().getScaleTargetRef().getName()).ifPresent(d -> {
        if (d.getSpec().getReplicas() != null) {
          out.add(b.name + ": " + UnknownFields.id(d) + " sets replicas although " + UnknownFields.id(h) + " owns them (each apply would reset the count)");
        }
      });
    }
    for (String module : Repo.serviceModules()) {
      Optional<Workload> w = b.service(module);
      if (w.isEmpty()) {
        out.add(b.name + ": no Deployment runs " + module);
        continue;
      }
      boolean pdb = b.all(PodDisruptionBudget.class).stream().anyMatch(p -> Bundle.matches(p.getSpec().getSelector(), w.get().podLabels()));
      if (!pdb) out.add(b.name + ": " + module + " has no PodDisruptionBudget");
      if (w.get().owner() instanceof Deployment d && !"gateway-service".equals(module)
          && (d.getSpec().getReplicas() == null || d.getSpec().getReplicas() < 2)) {
        out.add(b.name + ": " + module + " needs at least 2 replicas");
      }
    }
    return out;
  }

  /**
   * NetworkPolicies: in production every pod is under a default deny; every rule names its peers and
   * ports, and at least one of a rule's ports is one a selected pod exposes; and, evaluated rule by
   * rule ({@link NetworkFlows}), every connection that must work gets through (each entry option to
   * the HTTP ports, members to each other, to Redis and the Sentinels, Prometheus to the metrics
   * ports) while, under the default deny, nothing else does.
   */
  static List<String> networkPolicies(Bundle b, boolean production) {
    List<String> out = new ArrayList<>();
    if (production && !NetworkFlows.defaultDeny(b)) out.add(b.name + ": needs a default-deny ingress NetworkPolicy (podSelector {}, no rules)");
    for (NetworkPolicy p : b.all(NetworkPolicy.class)) {
      String id = b.name + ": " + UnknownFields.id(p);
      List<NetworkPolicyEvaluator.Pod> selected = NetworkFlows.selected(b, p);
      for (NetworkPolicyIngressRule r : p.getSpec().getIngress()) {
        if (r.getFrom().isEmpty()) out.add(id + ": a rule without from: opens the pods to everyone");
        if (r.getPorts().isEmpty()) out.add(id + ": a rule without ports: opens every port");
        boolean anyExposed = false;
        for (NetworkPolicyPort port : r.getPorts()) {
          if (port.getPort() == null) {
            out.add(id + ": a port entry without a port opens every port");
            continue;
          }
          anyExposed |= selected.stream().anyMatch(pod -> pod.ports().stream().anyMatch(cp -> protocol(port.getProtocol()).equals(protocol(cp.getProtocol()))
              && (port.getPort().getStrVal() != null ? port.getPort().getStrVal().equals(cp.getName()) : Objects.equals(port.getPort().getIntVal(), cp.getContainerPort()))));
        }
        if (!r.getPorts().isEmpty() && !anyExposed) {
          out.add(id + ": allows ports " + r.getPorts().stream().map(np -> text(np.getPort())).toList() + ", none of which a selected pod exposes");
        }
      }
    }
    for (Workload w : b.services()) {
      if (!Set.of("gateway-service", "auth-service").contains(w.service()) && Bundle.port(w.main(), "http").isPresent()) {
        out.add(b.name + ": " + w.id() + ": has an http port but is not behind the Ingress");
      }
    }
    out.addAll(NetworkFlows.problems(b));
    return out;
  }

  /** The in-cluster Redis: the StatefulSet redis and, with the redis-sentinel component, its Sentinels. */
  static final String REDIS_WORKLOAD = "redis";
  static final String SENTINEL_WORKLOAD = "redis-sentinel";

  static List<Workload> redisWorkloads(Bundle b) {
    return b.workloads().stream().filter(w -> w.service() == null
        && Set.of(REDIS_WORKLOAD, SENTINEL_WORKLOAD).contains(w.owner().getMetadata().getName())).toList();
  }

  static boolean isEmpty(io.fabric8.kubernetes.api.model.LabelSelector s) {
    return s == null || ((s.getMatchLabels() == null || s.getMatchLabels().isEmpty()) && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty()));
  }

  /** Every key the manifests take from the Secret, with where. */
  static Map<String, String> secretKeys(Bundle b) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Workload w : b.workloads()) {
      for (Volume v : w.template().getSpec().getVolumes()) {
        if (v.getSecret() != null && SECRET.equals(v.getSecret().getSecretName())) {
          v.getSecret().getItems().forEach(i -> out.put(i.getKey(), w.id() + " volume " + v.getName()));
        }
      }
      for (Container c : w.containers()) {
        for (EnvVar e : c.getEnv()) {
          if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null && SECRET.equals(e.getValueFrom().getSecretKeyRef().getName())) {
            out.put(e.getValueFrom().getSecretKeyRef().getKey(), w.id() + " " + e.getName());
          }
        }
      }
    }
    return out;
  }

  /**
   * Images whose binary carries a file capability (setcap ...+ep): the kernel refuses to run it
   * (EPERM) unless the capability stays in the container's bounding set, so such a container keeps
   * exactly that one (coturn/coturn issue #1126); it gains nothing from it as a non-root process
   * without privilege escalation. Pod Security "restricted" allows NET_BIND_SERVICE.
   */
  static final Map<String, List<String>> FILE_CAPABILITY_IMAGES = Map.of("coturn/coturn:", List.of("NET_BIND_SERVICE"));

  private static List<String> fileCapabilities(String image) {
    for (Map.Entry<String, List<String>> e : FILE_CAPABILITY_IMAGES.entrySet()) {
      if (image != null && image.startsWith(e.getKey())) return e.getValue();
    }
    return List.of();
  }

  /** For messages. */
  static String lines(List<String> problems) {
    return problems.isEmpty() ? "(none)" : "\n  " + String.join("\n  ", problems);
  }

  /** ConfigMaps of a bundle by name (typed), for tests. */
  static Optional<ConfigMap> configMap(Bundle b, String name) {
    return b.find(ConfigMap.class, name);
  }
}
