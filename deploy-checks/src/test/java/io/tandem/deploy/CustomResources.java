package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kinds that fabric8 8 has no typed model for outside openshift-client (the Prometheus operator's
 * PodMonitor, ServiceMonitor and PrometheusRule; cert-manager's Certificate and Issuer): they parse as {@link GenericKubernetesResource},
 * and their {@code spec} is checked here against a structural schema written from the operator's
 * CRDs (monitoring.coreos.com/v1), the fields this project may use: an unknown or misspelled
 * field, a value of the wrong type, or a missing required field is reported with its path.
 */
final class CustomResources {
  /** Leaf types of the schema. */
  enum Type { STRING, INT, BOOL, DURATION, STRING_MAP, ANY }

  /** An object: its fields and which of them are required. */
  record Obj(Map<String, Object> fields, Set<String> required) {}

  /** An array of items of one schema. */
  record Arr(Object item) {}

  private static final Obj LABEL_SELECTOR = new Obj(Map.of(
      "matchLabels", Type.STRING_MAP,
      "matchExpressions", new Arr(new Obj(Map.of("key", Type.STRING, "operator", Type.STRING, "values", new Arr(Type.STRING)), Set.of("key", "operator")))),
      Set.of());
  private static final Obj NAMESPACE_SELECTOR = new Obj(Map.of("any", Type.BOOL, "matchNames", new Arr(Type.STRING)), Set.of());
  private static final Map<String, Object> ENDPOINT = Map.ofEntries(
      Map.entry("port", Type.STRING), Map.entry("portNumber", Type.INT), Map.entry("targetPort", Type.ANY),
      Map.entry("path", Type.STRING), Map.entry("scheme", Type.STRING), Map.entry("interval", Type.DURATION),
      Map.entry("scrapeTimeout", Type.DURATION), Map.entry("honorLabels", Type.BOOL), Map.entry("honorTimestamps", Type.BOOL),
      Map.entry("relabelings", new Arr(Type.ANY)), Map.entry("metricRelabelings", new Arr(Type.ANY)), Map.entry("params", Type.ANY));

  /** apiVersion/kind -> schema of spec. */
  static final Map<String, Obj> SCHEMAS = Map.of(
      "monitoring.coreos.com/v1/PodMonitor", new Obj(Map.of(
          "selector", LABEL_SELECTOR, "namespaceSelector", NAMESPACE_SELECTOR, "jobLabel", Type.STRING,
          "podTargetLabels", new Arr(Type.STRING), "sampleLimit", Type.INT,
          "podMetricsEndpoints", new Arr(new Obj(ENDPOINT, Set.of()))),
          Set.of("selector", "podMetricsEndpoints")),
      "monitoring.coreos.com/v1/ServiceMonitor", new Obj(Map.of(
          "selector", LABEL_SELECTOR, "namespaceSelector", NAMESPACE_SELECTOR, "jobLabel", Type.STRING,
          "targetLabels", new Arr(Type.STRING), "podTargetLabels", new Arr(Type.STRING), "sampleLimit", Type.INT,
          "endpoints", new Arr(new Obj(ENDPOINT, Set.of()))),
          Set.of("selector", "endpoints")),
      "monitoring.coreos.com/v1/PrometheusRule", new Obj(Map.of(
          "groups", new Arr(new Obj(Map.of(
              "name", Type.STRING, "interval", Type.DURATION, "limit", Type.INT,
              "rules", new Arr(new Obj(Map.of(
                  "alert", Type.STRING, "record", Type.STRING, "expr", Type.STRING, "for", Type.DURATION,
                  "keep_firing_for", Type.DURATION, "labels", Type.STRING_MAP, "annotations", Type.STRING_MAP),
                  Set.of("expr")))),
              Set.of("name", "rules")))),
          Set.of("groups")),
      // cert-manager (cert-manager.io/v1): the TURN certificate and its DNS-01 issuer.
      "cert-manager.io/v1/Certificate", new Obj(Map.of(
          "secretName", Type.STRING, "dnsNames", new Arr(Type.STRING), "commonName", Type.STRING,
          "issuerRef", new Obj(Map.of("name", Type.STRING, "kind", Type.STRING, "group", Type.STRING), Set.of("name")),
          "duration", Type.DURATION, "renewBefore", Type.DURATION, "usages", new Arr(Type.STRING),
          "privateKey", new Obj(Map.of("algorithm", Type.STRING, "size", Type.INT, "encoding", Type.STRING, "rotationPolicy", Type.STRING), Set.of())),
          Set.of("secretName", "issuerRef")),
      "cert-manager.io/v1/Issuer", new Obj(Map.of(
          "acme", new Obj(Map.of(
              "server", Type.STRING, "email", Type.STRING,
              "privateKeySecretRef", new Obj(Map.of("name", Type.STRING, "key", Type.STRING), Set.of("name")),
              "solvers", new Arr(new Obj(Map.of("dns01", Type.ANY, "http01", Type.ANY, "selector", Type.ANY), Set.of()))),
              Set.of("server", "privateKeySecretRef")),
          "ca", Type.ANY, "selfSigned", Type.ANY),
          Set.of()));

  /** A Prometheus duration: 30s, 5m, 1h30m, 0s. */
  private static final String DURATION = "(\\d+(ms|s|m|h|d|w|y))+";

  private CustomResources() {}

  static String key(GenericKubernetesResource g) {
    return g.getApiVersion() + "/" + g.getKind();
  }

  static boolean knows(GenericKubernetesResource g) {
    return SCHEMAS.containsKey(key(g));
  }

  /** Problems of a known custom resource, as paths with what is wrong. */
  static List<String> problems(GenericKubernetesResource g) {
    List<String> out = new ArrayList<>();
    Map<String, Object> extra = g.getAdditionalProperties();
    for (String k : extra.keySet()) if (!k.equals("spec")) out.add(k + " (only metadata and spec)");
    Object spec = extra.get("spec");
    if (spec == null) {
      out.add("spec (missing)");
      return out;
    }
    check(spec, SCHEMAS.get(key(g)), "spec", out);
    if (g.getKind().equals("PrometheusRule") && spec instanceof Map<?, ?> m && m.get("groups") instanceof List<?> groups) {
      for (int i = 0; i < groups.size(); i++) {
        if (!(groups.get(i) instanceof Map<?, ?> group) || !(group.get("rules") instanceof List<?> rules)) continue;
        for (int j = 0; j < rules.size(); j++) {
          if (!(rules.get(j) instanceof Map<?, ?> rule)) continue;
          if ((rule.get("alert") == null) == (rule.get("record") == null)) {
            out.add("spec.groups[" + i + "].rules[" + j + "] (needs exactly one of alert and record)");
          }
        }
      }
    }
    return out;
  }

  private static void check(Object value, Object schema, String path, List<String> out) {
    if (value == null) return;
    if (schema instanceof Obj o) {
      if (!(value instanceof Map<?, ?> map)) {
        out.add(path + " (must be an object)");
        return;
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String k = String.valueOf(e.getKey());
        if (!o.fields().containsKey(k)) {
          out.add(path + "." + k);
        } else {
          check(e.getValue(), o.fields().get(k), path + "." + k, out);
        }
      }
      for (String r : o.required()) if (map.get(r) == null) out.add(path + "." + r + " (required)");
      return;
    }
    if (schema instanceof Arr a) {
      if (!(value instanceof List<?> list)) {
        out.add(path + " (must be a list)");
        return;
      }
      for (int i = 0; i < list.size(); i++) check(list.get(i), a.item(), path + "[" + i + "]", out);
      return;
    }
    switch ((Type) schema) {
      case STRING -> {
        if (!(value instanceof String)) out.add(path + " (must be a string)");
      }
      case INT -> {
        if (!(value instanceof Integer || value instanceof Long)) out.add(path + " (must be an integer)");
      }
      case BOOL -> {
        if (!(value instanceof Boolean)) out.add(path + " (must be true or false)");
      }
      case DURATION -> {
        if (!(value instanceof String s) || !s.matches(DURATION)) out.add(path + " (must be a duration such as 30s or 5m, got " + value + ")");
      }
      case STRING_MAP -> {
        if (!(value instanceof Map<?, ?> m) || m.values().stream().anyMatch(v -> !(v instanceof String))) {
          out.add(path + " (must map names to strings)");
        }
      }
      case ANY -> { }
    }
  }
}
