package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.tandem.deploy.NetworkPolicyEvaluator.Pod;
import io.tandem.deploy.NetworkPolicyEvaluator.Source;
import io.tandem.deploy.NetworkPolicyEvaluator.Verdict;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The NetworkPolicy evaluator on small hand-written cases, each with its expected answer. */
class NetworkPolicyEvaluatorTest {
  static final ContainerPort HTTP = new ContainerPortBuilder().withName("http").withContainerPort(8080).withProtocol("TCP").build();
  static final ContainerPort METRICS = new ContainerPortBuilder().withName("monitor").withContainerPort(9090).build();
  static final ContainerPort DNS = new ContainerPortBuilder().withName("dns").withContainerPort(53).withProtocol("UDP").build();

  static final Pod WEB = pod("web", "app", Map.of("team", "a"), Map.of("app", "web"), HTTP, METRICS, DNS);
  static final Pod DB = pod("db", "app", Map.of("team", "a"), Map.of("app", "db"));
  static final Pod PROXY = pod("proxy", "edge", Map.of("role", "edge"), Map.of("app", "proxy"));
  static final Pod OTHER_PROXY = pod("proxy", "sandbox", Map.of("role", "sandbox"), Map.of("app", "proxy"));
  static final Pod PROMETHEUS = pod("prometheus", "monitoring", Map.of(), Map.of("app", "prometheus"));

  static Pod pod(String name, String ns, Map<String, String> nsLabels, Map<String, String> labels, ContainerPort... ports) {
    Map<String, String> all = new java.util.LinkedHashMap<>(nsLabels);
    all.put("kubernetes.io/metadata.name", ns);
    return new Pod(name, ns, all, labels, Arrays.asList(ports), false);
  }

  static List<NetworkPolicy> policies(String yaml) {
    return Manifests.parse(yaml).stream().map(NetworkPolicy.class::cast).toList();
  }

  static boolean allowed(List<NetworkPolicy> p, Source from, Pod to, int port) {
    return allowed(p, from, to, port, "TCP");
  }

  static boolean allowed(List<NetworkPolicy> p, Source from, Pod to, int port, String protocol) {
    Verdict v = NetworkPolicyEvaluator.connect(p, from, to, port, protocol);
    return v.allowed();
  }

  static final String DENY_ALL = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: deny, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
      """;

  @Test
  void withoutPoliciesEverythingIsAllowedAndAnEmptySelectorDeniesEverything() {
    assertTrue(allowed(List.of(), Source.of(PROXY), WEB, 8080));
    assertTrue(allowed(List.of(), Source.address("203.0.113.1"), WEB, 8080));
    List<NetworkPolicy> deny = policies(DENY_ALL);
    assertFalse(allowed(deny, Source.of(PROXY), WEB, 8080), "podSelector {} isolates every pod of the namespace");
    assertFalse(allowed(deny, Source.of(DB), WEB, 8080), "even from the same namespace");
    assertFalse(allowed(deny, Source.address("203.0.113.1"), WEB, 8080));
    // A policy of another namespace does not apply.
    assertTrue(allowed(policies(DENY_ALL.replace("namespace: app", "namespace: elsewhere")), Source.of(PROXY), WEB, 8080));
  }

  @Test
  void aPodSelectorPeerMeansTheSameNamespaceOnly() {
    List<NetworkPolicy> p = policies(DENY_ALL + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: from-proxy, namespace: app}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress]
          ingress:
          - from:
            - podSelector: {matchLabels: {app: proxy}}
            ports:
            - port: 8080
        """);
    Pod localProxy = pod("proxy", "app", Map.of(), Map.of("app", "proxy"));
    assertTrue(allowed(p, Source.of(localProxy), WEB, 8080));
    assertFalse(allowed(p, Source.of(PROXY), WEB, 8080), "a proxy of another namespace is not a podSelector peer");
    assertFalse(allowed(p, Source.of(localProxy), WEB, 9090), "only the listed port");
    assertFalse(allowed(p, Source.of(localProxy), DB, 8080), "only the selected pods are opened");
  }

  @Test
  void namespaceSelectorsAloneAndTogetherWithAPodSelector() {
    String both = DENY_ALL + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: from-edge, namespace: app}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {role: edge}}
              podSelector: {matchLabels: {app: proxy}}
            ports:
            - port: http
        """;
    List<NetworkPolicy> p = policies(both);
    assertTrue(allowed(p, Source.of(PROXY), WEB, 8080), "the proxy in the edge namespace, by port name");
    assertFalse(allowed(p, Source.of(OTHER_PROXY), WEB, 8080), "the same labels in another namespace");
    assertFalse(allowed(p, Source.of(pod("x", "edge", Map.of("role", "edge"), Map.of("app", "x"))), WEB, 8080), "another pod of the edge namespace");
    assertFalse(allowed(p, Source.of(PROXY), WEB, 9090), "a port name resolves to its own number only");

    // Two peers (a list) instead of one peer with both selectors: either one is enough.
    List<NetworkPolicy> either = policies(both.replace("      podSelector: {matchLabels: {app: proxy}}", "    - podSelector: {matchLabels: {app: proxy}}"));
    assertTrue(allowed(either, Source.of(pod("x", "edge", Map.of("role", "edge"), Map.of("app", "x"))), WEB, 8080), "any pod of the edge namespace");
    assertTrue(allowed(either, Source.of(pod("proxy", "app", Map.of(), Map.of("app", "proxy"))), WEB, 8080), "a proxy of the same namespace");
    assertFalse(allowed(either, Source.of(OTHER_PROXY), WEB, 8080), "a proxy elsewhere");

    // An empty namespaceSelector: every namespace.
    List<NetworkPolicy> any = policies(both.replace("namespaceSelector: {matchLabels: {role: edge}}", "namespaceSelector: {}"));
    assertTrue(allowed(any, Source.of(OTHER_PROXY), WEB, 8080));
    assertFalse(allowed(any, Source.address("203.0.113.1"), WEB, 8080), "an address is no pod of any namespace");
  }

  @Test
  void policiesAndRulesOrTogether() {
    List<NetworkPolicy> p = policies(DENY_ALL + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: metrics, namespace: app}
        spec:
          podSelector: {}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
            ports:
            - port: 9090
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: app}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - from:
            - namespaceSelector: {matchLabels: {role: edge}}
            ports:
            - port: 8080
          - from:
            - podSelector: {matchLabels: {app: db}}
            ports:
            - port: 53
              protocol: UDP
        """);
    assertTrue(allowed(p, Source.of(PROMETHEUS), WEB, 9090), "first policy");
    assertTrue(allowed(p, Source.of(PROXY), WEB, 8080), "second policy, first rule");
    assertTrue(allowed(p, Source.of(DB), WEB, 53, "UDP"), "second policy, second rule");
    assertFalse(allowed(p, Source.of(DB), WEB, 53, "TCP"), "the protocol must match too (default TCP)");
    assertFalse(allowed(p, Source.of(PROMETHEUS), WEB, 8080), "no rule admits Prometheus to 8080");
    assertFalse(allowed(p, Source.of(PROXY), WEB, 9090), "nor the proxy to 9090");
  }

  @Test
  void ipBlocksPortRangesAndRulesWithoutPeersOrPorts() {
    List<NetworkPolicy> p = policies(DENY_ALL + """
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: world, namespace: app}
        spec:
          podSelector: {matchLabels: {app: web}}
          ingress:
          - from:
            - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}
            - ipBlock: {cidr: "2001:db8::/32"}
            ports:
            - port: 8000
              endPort: 8100
          - ports:
            - port: 9090
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: db, namespace: app}
        spec:
          podSelector: {matchLabels: {app: db}}
          ingress:
          - from:
            - podSelector: {matchLabels: {app: web}}
        """);
    assertTrue(allowed(p, Source.address("203.0.113.1"), WEB, 8080), "in the block and the range");
    assertTrue(allowed(p, Source.address("2001:db8::1"), WEB, 8100), "IPv6, the range's last port");
    assertFalse(allowed(p, Source.address("10.1.2.3"), WEB, 8080), "an exception of the block");
    assertFalse(allowed(p, Source.address("203.0.113.1"), WEB, 8101), "past endPort");
    assertFalse(allowed(p, Source.of(PROXY), WEB, 8080), "a pod is matched by selectors, not by ipBlock");
    assertTrue(allowed(p, Source.of(OTHER_PROXY), WEB, 9090), "a rule without from admits every source");
    assertTrue(allowed(p, Source.of(WEB), DB, 6379), "a rule without ports admits every port");
    assertFalse(allowed(p, Source.of(PROXY), DB, 6379));
  }

  @Test
  void egressIsolationAndTheHostNetwork() {
    List<NetworkPolicy> p = policies("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web-out, namespace: app}
        spec:
          podSelector: {matchLabels: {app: web}}
          egress:
          - to:
            - podSelector: {matchLabels: {app: db}}
            ports:
            - port: 6379
        """);
    assertTrue(NetworkPolicyEvaluator.types(p.get(0)).containsAll(List.of("Ingress", "Egress")), "policyTypes default: Ingress, and Egress when it has egress rules");
    assertTrue(allowed(p, Source.of(WEB), DB, 6379));
    assertFalse(allowed(p, Source.of(WEB), PROXY, 8080), "web may send only to db");
    assertFalse(allowed(p, Source.of(PROXY), WEB, 8080), "and, Ingress being defaulted in, accepts nothing");
    Pod hostNet = new Pod("turn", "app", Map.of("kubernetes.io/metadata.name", "app"), Map.of("app", "web"), List.of(), true);
    assertTrue(allowed(policies(DENY_ALL), Source.address("203.0.113.1"), hostNet, 3478, "UDP"), "no policy applies to a host-network pod");
    assertFalse(allowed(policies(DENY_ALL), Source.of(hostNet), DB, 6379), "a host-network source is its node's address");
  }
}
