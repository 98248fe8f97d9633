package io.tandem.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.tandem.deploy.Bundle.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monitoring component: a PodMonitor that scrapes every service pod, PrometheusRule alerts that
 * cover what an on-call person must hear about and name only meters the code registers, and a
 * Grafana dashboard of the same meters. The operator's kinds have no typed model here, so they are
 * read as plain maps (their fields are checked by {@link CustomResources}).
 */
final class MonitoringChecks {
  static final Set<String> SEVERITIES = Set.of("critical", "warning");
  static final String DASHBOARD_LABEL = "grafana_dashboard";

  /** Series that are not tandem_* meters, and what produces them (checked against Telemetry.java). */
  static final Map<String, String> OTHER_SERIES = Map.of(
      "up", "Prometheus",
      "process_start_time_seconds", "UptimeMetrics",
      "jvm_memory_used_bytes", "JvmMemoryMetrics");

  /**
   * Series of exporters other than the services, by name prefix: what provides them, whether this
   * repository ships it (then {@link #exporterProblems} checks it runs and is scraped), and the
   * series it provides that the alerts may use (each exporter's documented names).
   */
  record Exporter(String prefix, String provider, String image, Set<String> series) {
    boolean shipped() {
      return image != null;
    }
  }

  static final List<Exporter> EXPORTERS = List.of(
      new Exporter("redis_", "redis_exporter (the redis-sentinel component's sidecar)", "redis_exporter",
          Set.of("redis_up", "redis_memory_used_bytes", "redis_memory_max_bytes", "redis_connected_slaves", "redis_master_link_up",
              "redis_connected_clients", "redis_commands_processed_total", "redis_rejected_connections_total")),
      new Exporter("kube_", "kube-state-metrics (installed with kube-prometheus-stack, which this component needs)", null,
          Set.of("kube_daemonset_status_number_ready", "kube_daemonset_status_desired_number_scheduled", "kube_daemonset_status_number_unavailable")),
      new Exporter("certmanager_", "cert-manager's controller (scraped through its chart's ServiceMonitor)", null,
          Set.of("certmanager_certificate_expiration_timestamp_seconds", "certmanager_certificate_ready_status",
              "certmanager_certificate_renewal_timestamp_seconds")));

  static java.util.Optional<Exporter> exporterOf(String series) {
    return EXPORTERS.stream().filter(e -> series.startsWith(e.prefix())).findFirst();
  }

  /** What the alerts must cover (the issue's list), each as the series an alert's expression must use. */
  record Topic(String what, List<String> mustUse) {}

  static final List<Topic> TOPICS = List.of(
      new Topic("matching stalled", List.of("tandem_queue_length", "tandem_matches_total")),
      new Topic("time to match p99 high", List.of("histogram_quantile(0.99", "tandem_time_to_match_seconds_bucket")),
      new Topic("gateway sockets near capacity", List.of("tandem_sockets_open")),
      new Topic("Redis errors", List.of("tandem_errors_total", "code=\"unavailable\"")),
      new Topic("refusals spiking", List.of("tandem_rate_limited_total", "tandem_blocked_refusals_total")),
      new Topic("members lost", List.of("up{")),
      new Topic("Redis memory against maxmemory", List.of("redis_memory_used_bytes", "redis_memory_max_bytes")),
      new Topic("Redis replication broken (master without replicas)", List.of("redis_connected_slaves")),
      new Topic("Redis replication broken (replica cut off)", List.of("redis_master_link_up")),
      new Topic("Redis down", List.of("redis_up")),
      new Topic("certificate expiry", List.of("certmanager_certificate_expiration_timestamp_seconds", "time()")),
      new Topic("coturn down", List.of("kube_daemonset_status_number_ready", "daemonset=\"coturn\"")));

  private static final Pattern TANDEM = Pattern.compile("tandem_[a-z0-9_]+");
  private static final Pattern SELECTED = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{");
  private static final Pattern LABEL = Pattern.compile("\\b(job|app)\\s*(=~|=)\\s*\"([^\"]*)\"");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset");

  private MonitoringChecks() {}

  /** An object as plain maps and lists. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> plain(HasMetadata o) {
    try {
      return Manifests.JSON.readValue(Manifests.SERIALIZATION.asJson(o), Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Map<String, Object>> ofKind(Bundle b, String kind) {
    return b.objects.stream().filter(o -> kind.equals(o.getKind())).map(MonitoringChecks::plain).toList();
  }

  static List<String> problems(Bundle b, Set<String> meters) {
    List<String> out = new ArrayList<>();
    String n = b.name + ": ";
    // Scraping.
    List<Map<String, Object>> monitors = ofKind(b, "PodMonitor");
    Set<String> jobs = new LinkedHashSet<>();
    Set<String> targetLabels = new LinkedHashSet<>();
    for (Workload w : b.services()) {
      boolean scraped = false;
      for (Map<String, Object> m : monitors) {
        Map<String, Object> spec = map(m.get("spec"));
        Map<String, Object> selector = map(spec.get("selector"));
        Map<String, Object> labels = map(selector.get("matchLabels"));
        if (labels.isEmpty() || !w.podLabels().entrySet().containsAll(stringMap(labels).entrySet())) continue;
        for (Object e : list(spec.get("podMetricsEndpoints"))) {
          Map<String, Object> ep = map(e);
          if (Checks.MONITOR.equals(ep.get("port")) && "/metrics".equals(ep.get("path")) && Bundle.port(w.main(), Checks.MONITOR).isPresent()) scraped = true;
        }
      }
      if (!scraped) out.add(n + w.id() + ": no PodMonitor scrapes /metrics on its port " + Checks.MONITOR);
    }
    for (Map<String, Object> m : monitors) {
      jobs.add("NAMESPACE/" + map(m.get("metadata")).get("name"));
      for (Object l : list(map(m.get("spec")).get("podTargetLabels"))) targetLabels.add(String.valueOf(l));
    }
    // Alerts.
    List<Map<String, Object>> rules = ofKind(b, "PrometheusRule");
    if (rules.isEmpty()) out.add(n + "no PrometheusRule");
    List<String> exprs = new ArrayList<>();
    for (Map<String, Object> r : rules) {
      for (Object g : list(map(r.get("spec")).get("groups"))) {
        for (Object o : list(map(g).get("rules"))) {
          Map<String, Object> rule = map(o);
          String alert = String.valueOf(rule.get("alert"));
          String expr = String.valueOf(rule.get("expr"));
          exprs.add(expr);
          String id = n + "alert " + alert;
          Map<String, Object> labels = map(rule.get("labels"));
          if (!SEVERITIES.contains(String.valueOf(labels.get("severity")))) out.add(id + ": labels.severity must be one of " + SEVERITIES);
          Map<String, Object> annotations = map(rule.get("annotations"));
          for (String a : List.of("summary", "description")) {
            if (annotations.get(a) == null || String.valueOf(annotations.get(a)).isBlank()) out.add(id + ": needs annotation " + a + " (what the user sees, where to look)");
          }
          out.addAll(exprProblems(id, expr, meters, jobs, targetLabels));
        }
      }
    }
    for (Topic t : TOPICS) {
      boolean covered = exprs.stream().anyMatch(e -> t.mustUse().stream().allMatch(e.replaceAll("\\s+", "")::contains));
      if (!covered) out.add(n + "no alert on " + t.what() + " (an expression using " + t.mustUse() + ")");
    }
    // The dashboard.
    List<ConfigMap> dashboards = b.all(ConfigMap.class).stream()
        .filter(c -> c.getMetadata().getLabels() != null && "1".equals(c.getMetadata().getLabels().get(DASHBOARD_LABEL))).toList();
    if (dashboards.isEmpty()) out.add(n + "no Grafana dashboard (a ConfigMap labelled " + DASHBOARD_LABEL + "=1)");
    for (ConfigMap c : dashboards) {
      for (Map.Entry<String, String> e : c.getData().entrySet()) out.addAll(dashboardProblems(n + "dashboard " + e.getKey(), e.getValue(), meters, jobs, targetLabels));
    }
    return out;
  }

  static List<String> dashboardProblems(String id, String json, Set<String> meters, Set<String> jobs, Set<String> targetLabels) {
    List<String> out = new ArrayList<>();
    JsonNode d;
    try {
      d = Manifests.JSON.readTree(json);
    } catch (IOException e) {
      return List.of(id + ": not JSON: " + e.getMessage());
    }
    for (String f : List.of("uid", "title")) if (!d.path(f).isTextual() || d.path(f).asText().isBlank()) out.add(id + ": needs " + f);
    Set<String> variables = new LinkedHashSet<>();
    d.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    if (!d.path("panels").isArray() || d.path("panels").isEmpty()) out.add(id + ": has no panels");
    Set<String> used = new LinkedHashSet<>();
    for (JsonNode p : d.path("panels")) {
      String pid = id + " panel '" + p.path("title").asText() + "'";
      String ds = p.path("datasource").path("uid").asText();
      if (!ds.startsWith("${") || !variables.contains(ds.substring(2, ds.length() - 1))) out.add(pid + ": datasource must be a dashboard variable, got '" + ds + "'");
      if (!p.path("targets").isArray() || p.path("targets").isEmpty()) out.add(pid + ": has no query");
      for (JsonNode t : p.path("targets")) {
        String expr = t.path("expr").asText();
        if (expr.isBlank()) out.add(pid + ": a query without expr");
        out.addAll(exprProblems(pid, expr, meters, jobs, targetLabels));
        Matcher m = TANDEM.matcher(expr);
        while (m.find()) used.add(DeployDocsTest.meterOf(m.group()));
      }
    }
    Set<String> unshown = new LinkedHashSet<>(meters);
    unshown.removeAll(used);
    if (!unshown.isEmpty()) out.add(id + ": shows no panel for the meters " + unshown);
    return out;
  }

  /** One PromQL expression: brackets balance, every series exists, job and app selectors match what is scraped. */
  static List<String> exprProblems(String id, String expr, Set<String> meters, Set<String> jobs, Set<String> targetLabels) {
    List<String> out = new ArrayList<>();
    String bare = expr.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"");
    for (String pair : List.of("()", "[]", "{}")) {
      long open = bare.chars().filter(ch -> ch == pair.charAt(0)).count();
      long close = bare.chars().filter(ch -> ch == pair.charAt(1)).count();
      if (open != close) out.add(id + ": unbalanced " + pair + " in " + expr.trim());
    }
    Matcher t = TANDEM.matcher(expr);
    while (t.find()) {
      String series = t.group();
      if (!meters.contains(DeployDocsTest.meterOf(series)) && !meters.contains(series)) out.add(id + ": " + series + " is not a meter the code registers");
      if (series.endsWith("_bucket") && !histogramMeters().contains(DeployDocsTest.meterOf(series))) {
        out.add(id + ": " + series + " needs publishPercentileHistogram() on meter " + DeployDocsTest.meterOf(series));
      }
    }
    Matcher s = SELECTED.matcher(bare);
    while (s.find()) {
      String name = s.group(1);
      if (name.startsWith("tandem_") || PROMQL_WORDS.contains(name)) continue;
      String source = OTHER_SERIES.get(name);
      java.util.Optional<Exporter> exporter = exporterOf(name);
      if (source == null && exporter.isPresent()) {
        if (!exporter.get().series().contains(name)) out.add(id + ": series " + name + " is not one " + exporter.get().provider() + " provides " + exporter.get().series());
      } else if (source == null) {
        out.add(id + ": series " + name + " is neither a tandem_* meter, nor one of " + OTHER_SERIES.keySet() + ", nor an exporter's ("
            + EXPORTERS.stream().map(Exporter::prefix).toList() + ")");
      } else if (!source.equals("Prometheus") && !Repo.read(Repo.root().resolve("common/src/main/java/io/tandem/common/Telemetry.java")).contains("new " + source + "(")) {
        out.add(id + ": series " + name + " needs " + source + " bound in Telemetry.java");
      }
    }
    Matcher l = LABEL.matcher(expr);
    while (l.find()) {
      String label = l.group(1);
      String value = l.group(3);
      boolean regex = l.group(2).equals("=~");
      if (label.equals("job")) {
        boolean ok = jobs.stream().anyMatch(j -> regex ? j.replace("NAMESPACE", "tandem").matches(value) : j.replace("NAMESPACE/", "tandem/").equals(value));
        if (!ok) out.add(id + ": job " + l.group(2) + "\"" + value + "\" matches no PodMonitor's job " + jobs);
      } else {
        if (!targetLabels.contains(label)) out.add(id + ": selects on label " + label + ", which no PodMonitor copies from the pods (podTargetLabels)");
        if (!regex && !Repo.serviceModules().contains(value)) out.add(id + ": " + label + "=\"" + value + "\" is not a service");
      }
    }
    return out;
  }

  /** The series of shipped exporters the build's alerts use. */
  static Set<String> shippedSeriesUsed(Bundle b) {
    Set<String> out = new LinkedHashSet<>();
    for (Map<String, Object> r : ofKind(b, "PrometheusRule")) {
      for (Object g : list(map(r.get("spec")).get("groups"))) {
        for (Object o : list(map(g).get("rules"))) {
          Matcher m = Pattern.compile("[a-z_]+").matcher(String.valueOf(map(o).get("expr")));
          while (m.find()) exporterOf(m.group()).filter(Exporter::shipped).ifPresent(e -> out.add(m.group()));
        }
      }
    }
    return out;
  }

  /**
   * Each shipped exporter whose series the alerts use runs in the build (a container of its image
   * beside the Redis pods of the redis-sentinel component, which ships it) and a PodMonitor scrapes
   * one of its ports. Builds without that component (base's single Redis, external-redis) are
   * exempt: there the Redis alerts stay silent unless your own exporter provides the series.
   */
  static List<String> exporterProblems(Bundle b) {
    List<String> out = new ArrayList<>();
    Set<String> used = shippedSeriesUsed(b);
    if (used.isEmpty() || b.find(io.fabric8.kubernetes.api.model.apps.StatefulSet.class, Checks.SENTINEL_WORKLOAD).isEmpty()) return out;
    for (Exporter e : EXPORTERS) {
      if (!e.shipped() || used.stream().noneMatch(u -> u.startsWith(e.prefix()))) continue;
      boolean scraped = false;
      boolean runs = false;
      for (Workload w : b.workloads()) {
        for (io.fabric8.kubernetes.api.model.Container c : w.template().getSpec().getContainers()) {
          String repo = Bundle.imageRepository(c.getImage());
          if (repo == null || !repo.endsWith(e.image())) continue;
          runs = true;
          scraped |= c.getPorts().stream().anyMatch(p -> scraped(b, w, p));
        }
      }
      if (!runs) out.add(b.name + ": the alerts use " + used + " but no container runs " + e.provider() + " (image *" + e.image() + ")");
      else if (!scraped) out.add(b.name + ": no PodMonitor scrapes a port of the " + e.image() + " container (the alerts use " + used + ")");
    }
    return out;
  }

  /** Meters registered with a percentile histogram (their _bucket series exist). */
  static Set<String> histogramMeters() {
    Set<String> out = new LinkedHashSet<>();
    Pattern builder = Pattern.compile("builder\\(\\s*\"(tandem_[a-z0-9_]+)\"([^;]*);", Pattern.DOTALL);
    for (String module : Repo.modules()) {
      for (Path java : Repo.files(Repo.root().resolve(module).resolve("src/main/java"), ".java")) {
        Matcher m = builder.matcher(Repo.read(java));
        while (m.find()) if (m.group(2).contains("publishPercentileHistogram")) out.add(m.group(1));
      }
    }
    return out;
  }

  /** Whether a PodMonitor of the build scrapes this port of the workload's pods (by name or number). */
  static boolean scraped(Bundle b, Workload w, io.fabric8.kubernetes.api.model.ContainerPort p) {
    for (Map<String, Object> m : ofKind(b, "PodMonitor")) {
      Map<String, Object> spec = map(m.get("spec"));
      Map<String, Object> labels = map(map(spec.get("selector")).get("matchLabels"));
      if (labels.isEmpty() || !w.podLabels().entrySet().containsAll(stringMap(labels).entrySet())) continue;
      for (Object ep : list(spec.get("podMetricsEndpoints"))) {
        Object port = map(ep).get("port");
        Object number = map(ep).get("portNumber");
        if ((port != null && port.equals(p.getName())) || (number != null && String.valueOf(number).equals(String.valueOf(p.getContainerPort())))) return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<?> list(Object o) {
    return o instanceof List<?> l ? l : List.of();
  }

  private static Map<String, String> stringMap(Map<String, Object> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }
}
