package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.NetworkPolicyEvaluator.Pod;
import io.tandem.deploy.NetworkPolicyEvaluator.Source;
import io.tandem.deploy.NetworkPolicyEvaluator.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who sends to which port, for one build: the pods of the build, the parties around them (the entry
 * proxy of each entry option, Prometheus, browsers, strangers), the connections that must get
 * through (every entry option to the HTTP ports, Prometheus to the metrics ports, the services to
 * each other on Hazelcast and the event bus, to Redis and the Sentinels, Redis and the Sentinels to
 * each other, browsers to TURN), and, where the build has a default deny, that every other
 * connection among them is refused. {@link NetworkPolicyEvaluator} decides each one.
 *
 * <p>The parties outside the build are assumptions about the cluster, the same ones the policies
 * make (docs/deploy.md, "Network policies"): ingress-nginx's controller in namespace ingress-nginx;
 * the Gateway API data plane either in envoy-gateway-system (Envoy Gateway) or in the Gateway's own
 * namespace labelled with the Gateway's name (Istio, NGINX Gateway Fabric 2.x); Prometheus in
 * namespace monitoring.
 */
final class NetworkFlows {
  /** A browser on the internet (TEST-NET-3). */
  static final String INTERNET = "203.0.113.10";
  static final String INGRESS_NGINX_NAMESPACE = "ingress-nginx";
  static final String ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system";
  static final String MONITORING_NAMESPACE = "monitoring";
  /** The label Istio and NGINX Gateway Fabric put on the data plane pods of a Gateway. */
  static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
  /** The ports a Gateway's in-namespace data plane listens on: the listeners (80, 443) and Istio's health port. */
  static final List<Integer> DATA_PLANE_PORTS = List.of(80, 443, 15021);
  /** The port redis_exporter serves metrics on. */
  static final int REDIS_EXPORTER_PORT = 9121;

  /** One connection that must be allowed: who, to which pod, which port. */
  record Flow(Source from, Pod to, int port, String protocol, String what) {}

  /** The world of one build: its pods, the parties around them, and the connections that must work. */
  record World(String namespace, List<Pod> pods, List<Source> parties, List<Flow> required, List<Flow> permitted) {}

  private NetworkFlows() {}

  /** The namespace the build's objects land in ({@link NetworkPolicyEvaluator#DEFAULT_NAMESPACE} when it sets none). */
  static String namespace(Bundle b) {
    for (Workload w : b.workloads()) {
      String ns = w.owner().getMetadata().getNamespace();
      if (ns != null && !ns.isEmpty()) return ns;
    }
    return NetworkPolicyEvaluator.DEFAULT_NAMESPACE;
  }

  static Map<String, String> namespaceLabels(Bundle b, String namespace) {
    Map<String, String> out = new LinkedHashMap<>();
    b.find(Namespace.class, namespace).ifPresent(n -> {
      if (n.getMetadata().getLabels() != null) out.putAll(n.getMetadata().getLabels());
    });
    out.put("kubernetes.io/metadata.name", namespace);
    return out;
  }

  static Pod outsidePod(String name, String namespace, Map<String, String> labels, List<ContainerPort> ports) {
    return new Pod(name, namespace, Map.of("kubernetes.io/metadata.name", namespace), labels, ports, false);
  }

  /** A workload's pods, as one representative pod. */
  static Pod pod(Bundle b, Workload w, String namespace) {
    List<ContainerPort> ports = new ArrayList<>();
    for (Container c : w.template().getSpec().getContainers()) ports.addAll(c.getPorts());
    boolean host = Boolean.TRUE.equals(w.template().getSpec().getHostNetwork());
    return new Pod(w.owner().getMetadata().getName(), namespace, namespaceLabels(b, namespace), w.podLabels(), ports, host);
  }

  static ContainerPort tcp(int port) {
    return new ContainerPortBuilder().withContainerPort(port).withProtocol("TCP").build();
  }

  /** The Gateways of the build (Gateway API entry), by name. */
  static List<String> gateways(Bundle b) {
    return b.all(Gateway.class).stream().map(g -> g.getMetadata().getName()).toList();
  }

  /** Whether the build enters through ingress-nginx (an Ingress of class nginx). */
  static boolean ingressNginx(Bundle b) {
    return b.all(Ingress.class).stream().anyMatch(i -> i.getSpec() != null && "nginx".equals(i.getSpec().getIngressClassName()));
  }

  /** Pods that controllers create in the build's namespace for it: the in-namespace data plane of each Gateway. */
  static List<Pod> controllerPods(Bundle b) {
    String ns = namespace(b);
    List<ContainerPort> ports = DATA_PLANE_PORTS.stream().map(NetworkFlows::tcp).toList();
    return gateways(b).stream().map(g -> new Pod("gateway-data-plane-" + g, ns, namespaceLabels(b, ns), Map.of(GATEWAY_NAME_LABEL, g), ports, false)).toList();
  }

  static World world(Bundle b) {
    String ns = namespace(b);
    Map<Workload, Pod> pods = new LinkedHashMap<>();
    for (Workload w : b.workloads()) pods.put(w, pod(b, w, ns));
    List<Pod> dataPlanes = controllerPods(b);

    Pod ingressNginx = outsidePod("ingress-nginx-controller", INGRESS_NGINX_NAMESPACE,
        Map.of("app.kubernetes.io/name", "ingress-nginx", "app.kubernetes.io/component", "controller"), List.of());
    List<Pod> envoys = new ArrayList<>();
    for (String g : gateways(b).isEmpty() ? List.of("tandem") : gateways(b)) {
      envoys.add(outsidePod("envoy-" + g, ENVOY_GATEWAY_NAMESPACE, Map.of("app.kubernetes.io/name", "envoy",
          "gateway.envoyproxy.io/owning-gateway-name", g, "gateway.envoyproxy.io/owning-gateway-namespace", ns), List.of()));
    }
    Pod prometheus = outsidePod("prometheus", MONITORING_NAMESPACE, Map.of("app.kubernetes.io/name", "prometheus"), List.of());
    Pod strangerElsewhere = outsidePod("stranger", "other", Map.of("app", "stranger"), List.of());
    Pod strangerHere = new Pod("debug", ns, namespaceLabels(b, ns), Map.of("run", "debug"), List.of(), false);

    List<Source> parties = new ArrayList<>();
    parties.add(Source.address(INTERNET));
    parties.add(Source.of(ingressNginx));
    envoys.forEach(e -> parties.add(Source.of(e)));
    parties.add(Source.of(prometheus));
    parties.add(Source.of(strangerElsewhere));
    parties.add(Source.of(strangerHere));
    pods.values().forEach(p -> parties.add(Source.of(p)));
    dataPlanes.forEach(p -> parties.add(Source.of(p)));

    List<Flow> required = new ArrayList<>();
    // Every entry option of the build reaches the HTTP ports of gateway-service and auth-service.
    List<Source> entries = new ArrayList<>();
    if (ingressNginx(b)) entries.add(Source.of(ingressNginx));
    if (!gateways(b).isEmpty()) {
      envoys.forEach(e -> entries.add(Source.of(e)));
      dataPlanes.forEach(p -> entries.add(Source.of(p)));
      for (Pod p : dataPlanes) for (ContainerPort cp : p.ports()) required.add(new Flow(Source.address(INTERNET), p, cp.getContainerPort(), "TCP", "browsers -> Gateway data plane"));
    }
    for (Workload w : b.services()) {
      if (!Set.of("gateway-service", "auth-service").contains(w.service())) continue;
      Bundle.port(w.main(), "http").ifPresent(http -> {
        for (Source e : entries) required.add(new Flow(e, pods.get(w), http.getContainerPort(), "TCP", "entry proxy -> " + w.service() + " http"));
      });
    }
    // Prometheus scrapes the services' monitor port, and the exporters a PodMonitor of the build
    // scrapes; it may reach every exporter (a scrape configured outside these manifests).
    List<Flow> permitted = new ArrayList<>();
    for (Workload w : b.workloads()) {
      for (Container c : w.template().getSpec().getContainers()) {
        for (ContainerPort cp : c.getPorts()) {
          if (isExporter(c)) permitted.add(new Flow(Source.of(prometheus), pods.get(w), cp.getContainerPort(), protocol(cp), "Prometheus -> exporter"));
          boolean metrics = (w.service() != null && Checks.MONITOR.equals(cp.getName())) || (isExporter(c) && MonitoringChecks.scraped(b, w, cp));
          if (metrics) required.add(new Flow(Source.of(prometheus), pods.get(w), cp.getContainerPort(), protocol(cp), "Prometheus -> " + c.getName() + " " + cp.getName()));
        }
      }
    }
    // The services: each other on Hazelcast and the event bus, Redis and the Sentinels.
    List<Workload> redis = Checks.redisWorkloads(b);
    for (Workload from : b.services()) {
      for (Workload to : b.services()) {
        for (String name : List.of("hazelcast", "eventbus")) {
          Bundle.port(to.main(), name).ifPresent(p -> required.add(new Flow(Source.of(pods.get(from)), pods.get(to), p.getContainerPort(), protocol(p), "member -> member " + name)));
        }
      }
      for (Workload r : redis) {
        for (ContainerPort p : servingPorts(r)) required.add(new Flow(Source.of(pods.get(from)), pods.get(r), p.getContainerPort(), protocol(p), "service -> " + r.owner().getMetadata().getName()));
      }
    }
    // With Sentinel: Redis pods replicate from each other, Sentinels watch Redis and each other, Redis's init asks the Sentinels.
    if (redis.stream().anyMatch(r -> r.owner().getMetadata().getName().equals(Checks.SENTINEL_WORKLOAD))) {
      for (Workload from : redis) {
        for (Workload to : redis) {
          for (ContainerPort p : servingPorts(to)) required.add(new Flow(Source.of(pods.get(from)), pods.get(to), p.getContainerPort(), protocol(p), "Redis/Sentinel -> " + to.owner().getMetadata().getName()));
        }
      }
    }
    // Browsers reach TURN (coturn) on every port it listens on.
    for (Workload w : b.workloads()) {
      if (!"coturn".equals(w.owner().getMetadata().getName())) continue;
      for (ContainerPort p : servingPorts(w)) required.add(new Flow(Source.address(INTERNET), pods.get(w), p.getContainerPort(), protocol(p), "browsers -> TURN " + p.getName()));
    }
    List<Pod> all = new ArrayList<>(pods.values());
    all.addAll(dataPlanes);
    return new World(ns, all, parties, required, permitted);
  }

  /** The ports a workload serves its own protocol on: those of its containers that are no exporter. */
  static List<ContainerPort> servingPorts(Workload w) {
    List<ContainerPort> out = new ArrayList<>();
    for (Container c : w.template().getSpec().getContainers()) if (!isExporter(c)) out.addAll(c.getPorts());
    return out;
  }

  static boolean isExporter(Container c) {
    String repo = Bundle.imageRepository(c.getImage());
    return repo != null && repo.endsWith("_exporter");
  }

  static String protocol(ContainerPort p) {
    return p.getProtocol() == null ? "TCP" : p.getProtocol();
  }

  /** Whether the build's policies include a default deny: a policy for every pod that admits nothing. */
  static boolean defaultDeny(Bundle b) {
    return b.all(NetworkPolicy.class).stream().anyMatch(p -> Checks.isEmpty(p.getSpec().getPodSelector())
        && NetworkPolicyEvaluator.types(p).contains("Ingress") && (p.getSpec().getIngress() == null || p.getSpec().getIngress().isEmpty()));
  }

  /**
   * Every required connection that the policies refuse, and, where the build has a default deny,
   * every connection between the parties and the pods' ports that they allow although nothing needs
   * it. Pods on the host network are outside the policies and skipped as destinations there.
   */
  static List<String> problems(Bundle b) {
    List<String> out = new ArrayList<>();
    World world = world(b);
    List<NetworkPolicy> policies = b.all(NetworkPolicy.class);
    Set<String> needed = new LinkedHashSet<>();
    for (Flow f : world.permitted()) needed.add(key(f.from(), f.to(), f.port(), f.protocol()));
    for (Flow f : world.required()) {
      needed.add(key(f.from(), f.to(), f.port(), f.protocol()));
      Verdict v = NetworkPolicyEvaluator.connect(policies, f.from(), f.to(), f.port(), f.protocol());
      if (!v.allowed()) out.add(b.name + ": " + f.what() + " is blocked: " + v.why());
    }
    if (defaultDeny(b)) {
      // A port browsers must reach is public: anyone may reach it.
      Set<String> open = new LinkedHashSet<>();
      for (Flow f : world.required()) if (INTERNET.equals(f.from().address())) open.add(f.to() + "|" + f.port() + "|" + f.protocol());
      for (Source s : world.parties()) {
        for (Pod to : world.pods()) {
          if (to.hostNetwork()) continue;
          for (ContainerPort cp : to.ports()) {
            String proto = protocol(cp);
            if (needed.contains(key(s, to, cp.getContainerPort(), proto)) || open.contains(to + "|" + cp.getContainerPort() + "|" + proto)) continue;
            Verdict v = NetworkPolicyEvaluator.connect(policies, s, to, cp.getContainerPort(), proto);
            if (v.allowed()) out.add(b.name + ": " + s + " -> " + to + " port " + cp.getContainerPort() + "/" + proto + " (" + cp.getName() + ") is open but nothing needs it: " + v.why());
          }
        }
      }
    }
    return out;
  }

  private static String key(Source s, Pod to, int port, String protocol) {
    return s + "|" + to + "|" + port + "|" + protocol;
  }

  /** The pods a policy selects among the build's pods and those controllers create for it. */
  static List<Pod> selected(Bundle b, NetworkPolicy p) {
    List<Pod> out = new ArrayList<>();
    for (Pod pod : world(b).pods()) {
      if (Bundle.matches(p.getSpec().getPodSelector(), pod.labels())) out.add(pod);
    }
    return out;
  }
}
