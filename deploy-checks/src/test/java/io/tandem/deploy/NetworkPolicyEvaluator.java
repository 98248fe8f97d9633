package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides, as a conforming network plugin does, whether Kubernetes NetworkPolicies
 * (networking.k8s.io/v1) let one connection through: a source (a pod, or an address outside every
 * pod) opens a connection to a port of a destination pod.
 * <ul>
 *   <li>A pod is isolated for ingress (egress) when some policy of its namespace selects it
 *       ({@code podSelector}; empty selects every pod) and has Ingress (Egress) among its
 *       {@code policyTypes} (unset: Ingress, plus Egress when it has egress rules). A pod no such
 *       policy selects accepts (sends) everything.</li>
 *   <li>An isolated pod accepts a connection when some rule of some policy that selects it admits
 *       it: the policies and their rules OR together, none can take away what another allows. A
 *       policy without rules (default deny) admits nothing.</li>
 *   <li>A rule admits a connection when its peers ({@code from}/{@code to}; none listed: every
 *       source) and its ports (none listed: every port) both match. A peer with only
 *       {@code podSelector} means pods of the policy's own namespace; with
 *       {@code namespaceSelector} (empty: every namespace), pods of the namespaces it selects, narrowed by
 *       {@code podSelector} when both are given; {@code ipBlock} matches addresses outside the pods
 *       (CIDR minus {@code except}). Ports: number (with {@code endPort}, a range), name (the
 *       destination pod's container port of that name), protocol (default TCP).</li>
 *   <li>A connection needs the source's egress and the destination's ingress. Pods on the host
 *       network are not governed by NetworkPolicies: as a source they are their node's address; as a
 *       destination they accept everything.</li>
 * </ul>
 */
final class NetworkPolicyEvaluator {
  /** A pod: its namespace (with that namespace's labels), its labels and container ports. */
  record Pod(String name, String namespace, Map<String, String> namespaceLabels, Map<String, String> labels,
      List<ContainerPort> ports, boolean hostNetwork) {
    Pod {
      namespaceLabels = Map.copyOf(namespaceLabels);
      labels = Map.copyOf(labels);
      ports = List.copyOf(ports);
    }

    @Override
    public String toString() {
      return namespace + "/" + name;
    }
  }

  /** Who opens a connection: a pod, or an address that belongs to no pod (a browser, a node, a load balancer). */
  record Source(Pod pod, String address) {
    static Source of(Pod pod) {
      return new Source(pod, null);
    }

    static Source address(String ip) {
      return new Source(null, ip);
    }

    @Override
    public String toString() {
      return pod != null ? pod.toString() : address;
    }
  }

  /** The answer, with the policy that admitted the connection or why it was refused. */
  record Verdict(boolean allowed, String why) {}

  private NetworkPolicyEvaluator() {}

  /** Whether {@code from} may open a connection to {@code port}/{@code protocol} of {@code to}. */
  static Verdict connect(Collection<NetworkPolicy> policies, Source from, Pod to, int port, String protocol) {
    if (from.pod() != null && !from.pod().hostNetwork()) {
      Verdict out = egress(policies, from.pod(), to, port, protocol);
      if (!out.allowed()) return out;
    }
    return ingress(policies, from, to, port, protocol);
  }

  /** The destination's side: do the policies selecting {@code to} admit the connection? */
  static Verdict ingress(Collection<NetworkPolicy> policies, Source from, Pod to, int port, String protocol) {
    if (to.hostNetwork()) return new Verdict(true, to + " is on the host network (no NetworkPolicy applies)");
    Source source = from.pod() != null && from.pod().hostNetwork() ? Source.address(NODE_ADDRESS) : from;
    List<String> isolating = new ArrayList<>();
    for (NetworkPolicy p : policies) {
      if (!selects(p, to) || !types(p).contains("Ingress")) continue;
      isolating.add(p.getMetadata().getName());
      var rules = p.getSpec().getIngress() == null ? List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule>of() : p.getSpec().getIngress();
      for (var r : rules) {
        if (portsMatch(r.getPorts(), to, port, protocol) && peersMatch(r.getFrom(), namespaceOf(p), source)) {
          return new Verdict(true, "ingress of " + to + " admitted by NetworkPolicy " + p.getMetadata().getName());
        }
      }
    }
    if (isolating.isEmpty()) return new Verdict(true, "no NetworkPolicy isolates " + to + " for ingress");
    return new Verdict(false, "ingress of " + to + " from " + from + " to port " + port + "/" + protocol + ": no rule of " + isolating + " admits it");
  }

  /** The source's side: do the policies selecting {@code from} let it send to the destination? */
  static Verdict egress(Collection<NetworkPolicy> policies, Pod from, Pod to, int port, String protocol) {
    List<String> isolating = new ArrayList<>();
    for (NetworkPolicy p : policies) {
      if (!selects(p, from) || !types(p).contains("Egress")) continue;
      isolating.add(p.getMetadata().getName());
      var rules = p.getSpec().getEgress() == null ? List.<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule>of() : p.getSpec().getEgress();
      for (var r : rules) {
        Source dest = to.hostNetwork() ? Source.address(NODE_ADDRESS) : Source.of(to);
        if (portsMatch(r.getPorts(), to, port, protocol) && peersMatch(r.getTo(), namespaceOf(p), dest)) {
          return new Verdict(true, "egress of " + from + " admitted by NetworkPolicy " + p.getMetadata().getName());
        }
      }
    }
    if (isolating.isEmpty()) return new Verdict(true, "no NetworkPolicy isolates " + from + " for egress");
    return new Verdict(false, "egress of " + from + " to " + to + " port " + port + "/" + protocol + ": no rule of " + isolating + " admits it");
  }

  /** The address a host-network pod's connections come from (a node's; any address outside the pods would do). */
  static final String NODE_ADDRESS = "192.0.2.10";

  /** The namespace a namespaced object without one is applied to. */
  static final String DEFAULT_NAMESPACE = "default";

  static String namespaceOf(NetworkPolicy p) {
    String ns = p.getMetadata().getNamespace();
    return ns == null || ns.isEmpty() ? DEFAULT_NAMESPACE : ns;
  }

  /** Whether the policy applies to the pod: same namespace, and its podSelector (unset or empty: all) selects it. */
  static boolean selects(NetworkPolicy p, Pod pod) {
    return namespaceOf(p).equals(pod.namespace()) && Bundle.matches(p.getSpec().getPodSelector(), pod.labels());
  }

  /** policyTypes as written, or the API's default: Ingress, plus Egress when there are egress rules. */
  static List<String> types(NetworkPolicy p) {
    List<String> t = p.getSpec().getPolicyTypes();
    if (t != null && !t.isEmpty()) return t;
    List<String> out = new ArrayList<>(List.of("Ingress"));
    if (p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty()) out.add("Egress");
    return out;
  }

  /** Whether a rule's ports admit the destination's port (none listed: every port). */
  static boolean portsMatch(List<NetworkPolicyPort> ports, Pod to, int port, String protocol) {
    if (ports == null || ports.isEmpty()) return true;
    for (NetworkPolicyPort p : ports) {
      String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (!proto.equals(protocol)) continue;
      if (p.getPort() == null) return true;
      if (p.getPort().getIntVal() != null) {
        int first = p.getPort().getIntVal();
        int last = p.getEndPort() != null ? p.getEndPort() : first;
        if (port >= first && port <= last) return true;
      } else {
        String name = p.getPort().getStrVal();
        boolean named = to.ports().stream().anyMatch(cp -> name.equals(cp.getName()) && Objects.equals(cp.getContainerPort(), port)
            && proto.equals(cp.getProtocol() == null ? "TCP" : cp.getProtocol()));
        if (named) return true;
      }
    }
    return false;
  }

  /** Whether a rule's peers admit the source (none listed: every source). */
  static boolean peersMatch(List<NetworkPolicyPeer> peers, String policyNamespace, Source source) {
    if (peers == null || peers.isEmpty()) return true;
    for (NetworkPolicyPeer peer : peers) {
      if (peer.getIpBlock() != null) {
        if (source.address() != null && inBlock(peer.getIpBlock(), source.address())) return true;
        continue;
      }
      Pod pod = source.pod();
      if (pod == null) continue;
      LabelSelector ns = peer.getNamespaceSelector();
      LabelSelector pods = peer.getPodSelector();
      if (ns == null && pods == null) continue;
      boolean namespaceOk = ns == null ? pod.namespace().equals(policyNamespace) : Bundle.matches(ns, pod.namespaceLabels());
      if (namespaceOk && Bundle.matches(pods, pod.labels())) return true;
    }
    return false;
  }

  /** Whether the address lies in the block's CIDR and in none of its exceptions. */
  static boolean inBlock(IPBlock block, String address) {
    if (!inCidr(block.getCidr(), address)) return false;
    if (block.getExcept() != null) for (String e : block.getExcept()) if (inCidr(e, address)) return false;
    return true;
  }

  static boolean inCidr(String cidr, String address) {
    try {
      String[] parts = cidr.split("/");
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      byte[] addr = InetAddress.getByName(address).getAddress();
      if (net.length != addr.length) return false;
      int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : net.length * 8;
      int total = net.length * 8;
      if (bits == 0) return true;
      BigInteger mask = BigInteger.ONE.shiftLeft(total).subtract(BigInteger.ONE).shiftRight(total - bits).shiftLeft(total - bits);
      return new BigInteger(1, net).and(mask).equals(new BigInteger(1, addr).and(mask));
    } catch (UnknownHostException | NumberFormatException e) {
      throw new IllegalArgumentException("not a CIDR block: " + cidr + " / address " + address, e);
    }
  }
}
