package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.Checks.Setting;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration as production needs it: a changed setting rolls the pods that read it (generated
 * ConfigMaps, named with a hash of their content), the public host name is one value, and logs are
 * JSON.
 */
final class ConfigChecks {
  /** The production overlay's one place for the host name (a local-config ConfigMap, key host). */
  static final String SITE = "overlays/production/site.yaml";

  private ConfigChecks() {}

  /** The ConfigMaps a workload's containers read, by name, with how. */
  static Map<String, String> configMapsRead(Workload w) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Container c : w.containers()) {
      for (EnvFromSource e : c.getEnvFrom()) if (e.getConfigMapRef() != null) out.put(e.getConfigMapRef().getName(), c.getName() + " envFrom");
      for (EnvVar e : c.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) out.put(e.getValueFrom().getConfigMapKeyRef().getName(), c.getName() + " " + e.getName());
      }
    }
    for (Volume v : w.template().getSpec().getVolumes()) if (v.getConfigMap() != null) out.put(v.getConfigMap().getName(), "volume " + v.getName());
    return out;
  }

  /**
   * Every ConfigMap a Tandem service reads is generated (kustomize appends a hash of its content to
   * the name and rewrites the references), so that a changed setting is a new ConfigMap, a new pod
   * template, and a rollout.
   */
  static List<String> rollOnChange(Bundle b) {
    List<String> out = new ArrayList<>();
    for (Workload w : b.services()) {
      configMapsRead(w).forEach((name, how) -> {
        if (Bundle.generatedName(name) == null) {
          out.add(b.name + ": " + w.id() + " reads ConfigMap " + name + " (" + how + "), which has no content hash in its name:"
              + " a change would not roll the pods (generate it with configMapGenerator)");
        }
      });
    }
    return out;
  }

  /** Every host name the build serves (Ingress rules and TLS, Gateway listeners, HTTPRoutes, ALLOWED_ORIGINS), with where. */
  static Map<String, Set<String>> hosts(Bundle b) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Ingress i : b.all(Ingress.class)) {
      for (IngressRule r : i.getSpec().getRules()) add(out, r.getHost(), UnknownFields.id(i) + " rule");
      for (IngressTLS t : i.getSpec().getTls()) for (String h : t.getHosts()) add(out, h, UnknownFields.id(i) + " tls");
    }
    for (Gateway g : b.all(Gateway.class)) {
      for (Listener l : g.getSpec().getListeners()) add(out, l.getHostname(), UnknownFields.id(g) + " listener " + l.getName());
    }
    for (HTTPRoute r : b.all(HTTPRoute.class)) for (String h : r.getSpec().getHostnames()) add(out, h, UnknownFields.id(r));
    for (Workload w : b.services()) {
      Setting origins = Checks.environment(b, w.id(), w.main(), new ArrayList<>()).get("ALLOWED_ORIGINS");
      if (origins == null || origins.value() == null) continue;
      for (String o : origins.value().split("\\s*,\\s*")) {
        try {
          add(out, URI.create(o).getHost(), w.id() + " ALLOWED_ORIGINS");
        } catch (IllegalArgumentException e) {
          add(out, o, w.id() + " ALLOWED_ORIGINS (not a URL)");
        }
      }
    }
    return out;
  }

  private static void add(Map<String, Set<String>> out, String host, String where) {
    out.computeIfAbsent(String.valueOf(host), k -> new LinkedHashSet<>()).add(where);
  }

  /** Production serves exactly one host name, the one of site.yaml. */
  static List<String> oneHost(Bundle b, String site) {
    List<String> out = new ArrayList<>();
    Map<String, Set<String>> hosts = hosts(b);
    if (hosts.isEmpty()) out.add(b.name + ": serves no host name");
    hosts.forEach((host, where) -> {
      if (!host.equals(site)) out.add(b.name + ": host " + host + " (" + where + ") is not the host of " + SITE + " (" + site + ")");
    });
    return out;
  }

  /** The host of the production overlay's site.yaml. */
  static String siteHost() {
    return siteHost(SITE);
  }

  /** The host of a site.yaml under k8s/. */
  static String siteHost(String file) {
    ConfigMap site = (ConfigMap) Manifests.parse(Repo.k8s().resolve(file)).get(0);
    return site.getData().get("host");
  }

  /** Every service of the build logs JSON (LOG_FORMAT=json), a variable its code reads. */
  static List<String> jsonLogs(Bundle b, Map<String, Map<String, List<ServiceCode.Read>>> reads) {
    List<String> out = new ArrayList<>();
    for (Workload w : b.services()) {
      Setting f = Checks.environment(b, w.id(), w.main(), new ArrayList<>()).get("LOG_FORMAT");
      if (f == null || !"json".equals(f.value())) out.add(b.name + ": " + w.id() + " must log JSON (LOG_FORMAT=json), got " + (f == null ? null : f.value()));
      if (!reads.getOrDefault(w.service(), Map.of()).containsKey("LOG_FORMAT")) out.add(b.name + ": " + w.service() + "'s code does not read LOG_FORMAT");
    }
    return out;
  }
}
