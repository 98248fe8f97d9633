package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A set of Kubernetes objects (one kustomize build, or the sources) with the look-ups the checks need. */
final class Bundle {
  /** A Deployment, StatefulSet or DaemonSet, with the service module it runs (null for third-party images). */
  record Workload(HasMetadata owner, PodTemplateSpec template, String service) {
    String id() {
      return UnknownFields.id(owner);
    }

    /** The replica count as written (null: unset, e.g. owned by an autoscaler; a DaemonSet: -1, one per node). */
    Integer replicas() {
      if (owner instanceof Deployment d) return d.getSpec().getReplicas();
      if (owner instanceof StatefulSet s) return s.getSpec().getReplicas();
      return -1;
    }

    Map<String, String> podLabels() {
      Map<String, String> l = template.getMetadata() == null ? null : template.getMetadata().getLabels();
      return l == null ? Map.of() : l;
    }

    List<Container> containers() {
      List<Container> out = new ArrayList<>();
      if (template.getSpec() != null) {
        out.addAll(template.getSpec().getInitContainers());
        out.addAll(template.getSpec().getContainers());
      }
      return out;
    }

    /** The container that runs the service (named after it), else the first one. */
    Container main() {
      List<Container> cs = template.getSpec().getContainers();
      return cs.stream().filter(c -> Objects.equals(c.getName(), service)).findFirst().orElse(cs.isEmpty() ? null : cs.get(0));
    }
  }

  final String name;
  final List<HasMetadata> objects;

  Bundle(String name, Collection<? extends HasMetadata> objects) {
    this.name = name;
    this.objects = List.copyOf(objects);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** An object by name; a generated ConfigMap also by the name it was generated under (without its hash suffix). */
  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    Optional<T> exact = all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    if (exact.isPresent() || !ConfigMap.class.isAssignableFrom(type)) return exact;
    return all(type).stream().filter(o -> name.equals(generatedName(o.getMetadata().getName()))).findFirst();
  }

  /** kustomize's content hash suffix of a generated ConfigMap ({@code -} and 10 characters). */
  static final java.util.regex.Pattern HASH_SUFFIX = java.util.regex.Pattern.compile("^(.+)-[bcdfghkmt24-9]{10}$");

  /** Whether the object has the name, or was generated under it (a ConfigMap with a hash suffix). */
  static boolean named(HasMetadata o, String name) {
    return name.equals(o.getMetadata().getName()) || name.equals(generatedName(o.getMetadata().getName()));
  }

  /** The name a generated object was generated under, or null when the name carries no hash suffix. */
  static String generatedName(String name) {
    var m = HASH_SUFFIX.matcher(name == null ? "" : name);
    return m.matches() ? m.group(1) : null;
  }

  /**
   * ConfigMaps by name (a generated one also by its name without the hash suffix); several objects of
   * one name (a resource and its patches) merge their keys.
   */
  Map<String, Map<String, String>> configMaps() {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (ConfigMap c : all(ConfigMap.class)) {
      Map<String, String> data = out.computeIfAbsent(c.getMetadata().getName(), k -> new LinkedHashMap<>());
      if (c.getData() != null) data.putAll(c.getData());
      String generated = generatedName(c.getMetadata().getName());
      if (generated != null) out.computeIfAbsent(generated, k -> new LinkedHashMap<>()).putAll(data);
    }
    return out;
  }

  List<Workload> workloads() {
    List<Workload> out = new ArrayList<>();
    for (HasMetadata o : objects) {
      PodTemplateSpec t = null;
      if (o instanceof Deployment d && d.getSpec() != null) t = d.getSpec().getTemplate();
      if (o instanceof StatefulSet s && s.getSpec() != null) t = s.getSpec().getTemplate();
      if (o instanceof DaemonSet ds && ds.getSpec() != null) t = ds.getSpec().getTemplate();
      if (t == null || t.getSpec() == null) continue;
      out.add(new Workload(o, t, serviceOf(o, t)));
    }
    return out;
  }

  List<Workload> services() {
    return workloads().stream().filter(w -> w.service() != null).toList();
  }

  Optional<Workload> service(String module) {
    return services().stream().filter(w -> module.equals(w.service())).findFirst();
  }

  /** The service module a workload runs: its image is {@code .../<module>[:tag]}, or it is named after one. */
  static String serviceOf(HasMetadata owner, PodTemplateSpec t) {
    List<String> modules = Repo.serviceModules();
    for (Container c : t.getSpec().getContainers()) {
      String repo = imageRepository(c.getImage());
      if (repo != null && modules.contains(repo.substring(repo.lastIndexOf('/') + 1))) return repo.substring(repo.lastIndexOf('/') + 1);
    }
    return modules.contains(owner.getMetadata().getName()) ? owner.getMetadata().getName() : null;
  }

  /** The repository part of an image reference (no tag, no digest), or null. */
  static String imageRepository(String image) {
    if (image == null) return null;
    String s = image;
    int at = s.indexOf('@');
    if (at >= 0) s = s.substring(0, at);
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    if (colon > slash) s = s.substring(0, colon);
    return s;
  }

  /** Workloads whose pods a selector (a plain label map) selects. */
  List<Workload> selectedBy(Map<String, String> selector) {
    if (selector == null || selector.isEmpty()) return List.of();
    return workloads().stream().filter(w -> w.podLabels().entrySet().containsAll(selector.entrySet())).toList();
  }

  /** Workloads whose pods a LabelSelector selects (an empty selector selects every pod). */
  List<Workload> selectedBy(LabelSelector selector) {
    return workloads().stream().filter(w -> matches(selector, w.podLabels())).toList();
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) return true;
    if (selector.getMatchLabels() != null && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) return false;
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String v = labels.get(r.getKey());
        boolean ok = switch (r.getOperator()) {
          case "In" -> v != null && r.getValues().contains(v);
          case "NotIn" -> v == null || !r.getValues().contains(v);
          case "Exists" -> v != null;
          case "DoesNotExist" -> v == null;
          default -> false;
        };
        if (!ok) return false;
      }
    }
    return true;
  }

  /** A container port by name. */
  static Optional<ContainerPort> port(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst();
  }

  /** Whether a Service exists that selects the workload's pods. */
  List<Service> servicesSelecting(Workload w) {
    return all(Service.class).stream()
        .filter(s -> s.getSpec() != null && s.getSpec().getSelector() != null && !s.getSpec().getSelector().isEmpty())
        .filter(s -> w.podLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
        .toList();
  }
}
