package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public routes of a build, whichever API declares them: Ingresses (ingress-nginx) or the
 * Gateway API (Gateway + HTTPRoutes), as one table the checks read.
 */
final class Routes {
  /** A time limit that never ends (Gateway API "0s"). */
  static final long UNLIMITED = Long.MAX_VALUE;
  static final List<String> NGINX_TIMEOUTS = List.of("nginx.ingress.kubernetes.io/proxy-read-timeout", "nginx.ingress.kubernetes.io/proxy-send-timeout");

  /**
   * One path to one Service.
   *
   * @param owner "Ingress/tandem" or "HTTPRoute/tandem"
   * @param host the host name, or null
   * @param tls whether the host is served over TLS
   * @param timeoutSeconds how long one request (a WebSocket: the whole socket) may last before the proxy cuts it; null: the proxy's default
   */
  record Route(String owner, String host, boolean tls, String path, String service, Long timeoutSeconds) {}

  private Routes() {}

  /** The routes; names that do not resolve (Gateway, listener, Service, port) go to {@code problems}. */
  static List<Route> of(Bundle b, List<String> problems) {
    List<Route> out = new ArrayList<>();
    for (Ingress ing : b.all(Ingress.class)) {
      String owner = UnknownFields.id(ing);
      Map<String, String> a = ing.getMetadata().getAnnotations() == null ? Map.of() : ing.getMetadata().getAnnotations();
      Long timeout = null;
      for (String k : NGINX_TIMEOUTS) {
        long t = a.get(k) == null ? 0 : parseLong(a.get(k));
        timeout = timeout == null ? t : Math.min(timeout, t);
      }
      for (IngressRule r : ing.getSpec().getRules()) {
        if (r.getHttp() == null) continue;
        boolean tls = ing.getSpec().getTls().stream().anyMatch(t -> r.getHost() != null && t.getHosts().contains(r.getHost()) && t.getSecretName() != null);
        for (HTTPIngressPath p : r.getHttp().getPaths()) {
          IngressServiceBackend be = p.getBackend() == null ? null : p.getBackend().getService();
          out.add(new Route(owner, r.getHost(), tls, p.getPath(), be == null ? null : be.getName(), timeout == 0 ? null : timeout));
        }
      }
    }
    for (HTTPRoute route : b.all(HTTPRoute.class)) {
      String owner = UnknownFields.id(route);
      List<Listener> listeners = new ArrayList<>();
      for (ParentReference parent : route.getSpec().getParentRefs()) {
        if (parent.getKind() != null && !"Gateway".equals(parent.getKind())) continue;
        Optional<Gateway> gw = b.find(Gateway.class, parent.getName());
        if (gw.isEmpty()) {
          problems.add(b.name + ": " + owner + " attaches to Gateway " + parent.getName() + ", which is not defined");
          continue;
        }
        List<Listener> matching = gw.get().getSpec().getListeners().stream()
            .filter(l -> parent.getSectionName() == null || parent.getSectionName().equals(l.getName())).toList();
        if (matching.isEmpty()) problems.add(b.name + ": " + owner + " names listener " + parent.getSectionName() + ", which Gateway " + parent.getName() + " does not have");
        listeners.addAll(matching);
      }
      List<String> hosts = route.getSpec().getHostnames().isEmpty()
          ? listeners.stream().map(Listener::getHostname).distinct().toList() : route.getSpec().getHostnames();
      for (HTTPRouteRule rule : route.getSpec().getRules()) {
        // A rule that only redirects (http -> https) routes to no Service.
        if (rule.getBackendRefs().isEmpty() && rule.getFilters().stream().anyMatch(f -> "RequestRedirect".equals(f.getType()))) continue;
        Long timeout = rule.getTimeouts() == null || rule.getTimeouts().getRequest() == null ? null : seconds(rule.getTimeouts().getRequest());
        List<HTTPRouteMatch> matches = rule.getMatches().isEmpty() ? List.of(new HTTPRouteMatch()) : rule.getMatches();
        List<String> services = new ArrayList<>();
        for (HTTPBackendRef be : rule.getBackendRefs()) {
          if (be.getKind() != null && !"Service".equals(be.getKind())) continue;
          Optional<Service> svc = b.find(Service.class, be.getName());
          if (svc.isEmpty()) {
            problems.add(b.name + ": " + owner + " sends to Service " + be.getName() + ", which is not defined");
          } else if (svc.get().getSpec().getPorts().stream().noneMatch(sp -> Objects.equals(sp.getPort(), be.getPort()))) {
            problems.add(b.name + ": " + owner + " sends to port " + be.getPort() + ", which Service " + be.getName() + " does not have");
          }
          services.add(be.getName());
        }
        for (HTTPRouteMatch m : matches) {
          String path = m.getPath() == null || m.getPath().getValue() == null ? "/" : m.getPath().getValue();
          for (String host : hosts.isEmpty() ? java.util.Collections.<String>singletonList(null) : hosts) {
            boolean tls = listeners.stream().anyMatch(l -> "HTTPS".equals(l.getProtocol()) && (l.getHostname() == null || l.getHostname().equals(host))
                && l.getTls() != null && !l.getTls().getCertificateRefs().isEmpty());
            if (services.isEmpty()) {
              out.add(new Route(owner, host, tls, path, null, timeout));
            } else {
              for (String s : services) out.add(new Route(owner, host, tls, path, s, timeout));
            }
          }
        }
      }
    }
    return out;
  }

  /** A Gateway API duration ("1h", "30s", "500ms", "0s") in seconds, rounded up; 0s is {@link #UNLIMITED}. */
  static long seconds(String duration) {
    Matcher m = Pattern.compile("(\\d+)(h|ms|m|s)").matcher(duration);
    long ms = 0;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) throw new IllegalArgumentException("not a duration: " + duration);
      end = m.end();
      long n = Long.parseLong(m.group(1));
      ms += switch (m.group(2)) {
        case "h" -> n * 3_600_000;
        case "m" -> n * 60_000;
        case "s" -> n * 1000;
        default -> n;
      };
    }
    if (end != duration.length() || end == 0) throw new IllegalArgumentException("not a duration: " + duration);
    return ms == 0 ? UNLIMITED : (ms + 999) / 1000;
  }

  private static long parseLong(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
