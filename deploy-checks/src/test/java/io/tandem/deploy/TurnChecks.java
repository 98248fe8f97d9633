package io.tandem.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.Checks.Setting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TURN as production needs it: coturn on labelled nodes (a DaemonSet on the host network, for the
 * relay ports) behind a LoadBalancer (UDP and TCP 3478, TLS 443), the certificate and the shared
 * secret as files (never on a command line or in a variable), the node's public address found by the
 * pod itself (STUN), a renewed certificate reloaded without a restart, metrics, and the gateways
 * issuing credentials with the same secret for turn: and turns: URLs.
 */
final class TurnChecks {
  static final String NAME = "coturn";
  static final String CONF = "turnserver.conf";
  static final int TURN_PORT = 3478;
  static final int TLS_PUBLIC_PORT = 443;
  /** The init script that writes coturn's configuration (public address, secret). */
  static final String INIT = "coturn-init.sh";
  /** The sidecar's script that makes coturn reload a renewed certificate. */
  static final String RELOAD = "cert-reload.sh";
  static final String METRICS = "metrics";

  private TurnChecks() {}

  static List<String> problems(Bundle b) {
    List<String> out = new ArrayList<>();
    String n = b.name + ": ";
    Optional<DaemonSet> ds = b.find(DaemonSet.class, NAME);
    if (ds.isEmpty()) {
      out.add(n + "no DaemonSet " + NAME + " (one coturn per TURN node, so that a rollout never moves it to a node DNS does not know)");
      return out;
    }
    PodSpec spec = ds.get().getSpec().getTemplate().getSpec();
    if (!Boolean.TRUE.equals(spec.getHostNetwork())) out.add(n + "coturn must run on the host network (the relay port range cannot go through a Service)");
    if (spec.getNodeSelector() == null || spec.getNodeSelector().isEmpty()) out.add(n + "coturn must run on labelled TURN nodes only (nodeSelector)");
    Container main = spec.getContainers().stream().filter(c -> NAME.equals(c.getName())).findFirst().orElse(null);
    if (main == null) {
      out.add(n + "the DaemonSet has no container " + NAME);
      return out;
    }
    // The configuration file coturn runs with.
    String confPath = null;
    List<String> args = new ArrayList<>(main.getCommand());
    args.addAll(main.getArgs());
    int c = args.indexOf("-c");
    if (c >= 0 && c + 1 < args.size()) confPath = args.get(c + 1);
    if (confPath == null) out.add(n + "coturn must be started with -c <configuration file>");
    // No secret on a command line or in a variable, in any container.
    for (Container k : concat(spec.getInitContainers(), spec.getContainers())) {
      for (String a : concat(k.getCommand(), k.getArgs())) {
        // coturn's own option takes the secret as an argument (visible in ps and /proc/<pid>/cmdline).
        if (a.contains("--static-auth-secret") || a.contains("--auth-secret")) out.add(n + "container " + k.getName() + " puts the shared secret on its command line");
      }
      for (EnvVar e : k.getEnv()) {
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) out.add(n + "container " + k.getName() + " gets a secret in variable " + e.getName() + " (mount it as a file)");
      }
    }
    // The template, and where the secret comes from.
    ConfigMap conf = b.all(ConfigMap.class).stream().filter(m -> m.getData() != null && m.getData().containsKey(CONF)).findFirst().orElse(null);
    Map<String, String> settings = conf == null ? Map.of() : settings(conf.getData().get(CONF));
    if (conf == null) {
      out.add(n + "no ConfigMap holds " + CONF);
      return out;
    }
    if (!conf.getData().get(CONF).lines().map(String::trim).anyMatch("use-auth-secret"::equals)) out.add(n + CONF + " must set use-auth-secret (the gateways' time-limited credentials)");
    if (settings.containsKey("static-auth-secret")) out.add(n + CONF + " is a ConfigMap: static-auth-secret must not be in it");
    if (conf.getData().get(CONF).lines().map(String::trim).anyMatch("no-tls"::equals)) out.add(n + CONF + " must not set no-tls (TURN over TLS on 443)");
    if (!conf.getData().get(CONF).contains("denied-peer-ip=10.0.0.0-10.255.255.255")) out.add(n + "coturn must not relay into private networks");
    String secretKey = null;
    for (Volume v : spec.getVolumes()) {
      if (v.getSecret() != null && Checks.SECRET.equals(v.getSecret().getSecretName())) {
        for (var item : v.getSecret().getItems()) secretKey = item.getKey();
      }
    }
    if (secretKey == null) out.add(n + "coturn must mount the shared secret from Secret " + Checks.SECRET + " as a file");
    String runConf = confPath;
    // The init container's script: inline, or a file of the ConfigMap it runs.
    boolean writesSecret = runConf != null && spec.getInitContainers().stream().map(k -> String.join("\n", concat(k.getCommand(), k.getArgs())))
        .map(command -> command + conf.getData().entrySet().stream().filter(e -> command.contains(e.getKey())).map(Map.Entry::getValue).reduce("", String::concat))
        .anyMatch(script -> script.contains("static-auth-secret=") && script.contains(runConf));
    if (!writesSecret) out.add(n + "an init container must write static-auth-secret from the Secret file into " + confPath);
    // TLS: the certificate and key files come from a TLS Secret mounted into coturn.
    Integer tlsPort = settings.containsKey("tls-listening-port") ? Integer.valueOf(settings.get("tls-listening-port")) : null;
    if (tlsPort == null) out.add(n + CONF + " must set tls-listening-port");
    for (String f : List.of("cert", "pkey")) {
      String path = settings.get(f);
      if (path == null) {
        out.add(n + CONF + " must set " + f + " (the TLS certificate and key files)");
      } else if (!fromTlsSecret(spec, main, path)) {
        out.add(n + CONF + " " + f + "=" + path + " is not a file of a mounted TLS Secret " + Checks.TLS_SECRETS);
      }
    }
    out.addAll(publicAddress(n, spec, conf));
    out.addAll(certificateReload(n, spec, main, conf, settings));
    if (!settings.containsKey("prometheus") || Bundle.port(main, METRICS).isEmpty()) {
      out.add(n + "coturn must serve its metrics: prometheus in " + CONF + " and a container port named " + METRICS);
    }
    // The public Service: UDP and TCP 3478, 443 to the TLS port.
    Optional<Service> svc = b.find(Service.class, NAME);
    if (svc.isEmpty()) {
      out.add(n + "no Service " + NAME);
    } else {
      var s = svc.get().getSpec();
      if (!"LoadBalancer".equals(s.getType())) out.add(n + "Service " + NAME + " must be a LoadBalancer (one stable public address)");
      if (!"Local".equals(s.getExternalTrafficPolicy())) out.add(n + "Service " + NAME + " must keep externalTrafficPolicy Local (only nodes with a ready coturn, the browser's own address)");
      if (!hasPort(s.getPorts(), TURN_PORT, "UDP", main, TURN_PORT)) out.add(n + "Service " + NAME + " must publish " + TURN_PORT + "/UDP");
      if (!hasPort(s.getPorts(), TURN_PORT, "TCP", main, TURN_PORT)) out.add(n + "Service " + NAME + " must publish " + TURN_PORT + "/TCP");
      if (tlsPort != null && !hasPort(s.getPorts(), TLS_PUBLIC_PORT, "TCP", main, tlsPort)) {
        out.add(n + "Service " + NAME + " must publish " + TLS_PUBLIC_PORT + "/TCP to coturn's tls-listening-port " + tlsPort);
      }
    }
    // The gateways: the same secret, and URLs for every transport.
    Optional<Workload> gateway = b.service("gateway-service");
    if (gateway.isPresent()) {
      Map<String, Setting> env = Checks.environment(b, gateway.get().id(), gateway.get().main(), out);
      Setting gwSecret = env.get("TURN_SECRET");
      if (gwSecret == null || secretKey == null || !gwSecret.origin().equals("env secretKeyRef " + Checks.SECRET + "/" + secretKey)) {
        out.add(n + "the gateways' TURN_SECRET must be coturn's key " + secretKey + " of " + Checks.SECRET + ", got " + (gwSecret == null ? null : gwSecret.origin()));
      }
      Setting urls = env.get("TURN_URLS");
      List<String> list = new ArrayList<>();
      try {
        JsonNode node = urls == null || urls.value() == null ? null : Manifests.JSON.readTree(urls.value());
        if (node != null && node.isArray()) node.forEach(u -> list.add(u.asText()));
      } catch (Exception e) {
        out.add(n + "the gateways' TURN_URLS is not JSON: " + urls.value());
      }
      if (list.stream().noneMatch(u -> u.matches("turn:[^?]+:" + TURN_PORT + "\\?transport=udp"))) out.add(n + "TURN_URLS needs turn:HOST:" + TURN_PORT + "?transport=udp, got " + list);
      if (list.stream().noneMatch(u -> u.matches("turn:[^?]+:" + TURN_PORT + "\\?transport=tcp"))) out.add(n + "TURN_URLS needs turn:HOST:" + TURN_PORT + "?transport=tcp, got " + list);
      if (list.stream().noneMatch(u -> u.matches("turns:[^?]+:" + TLS_PUBLIC_PORT + "\\?transport=tcp"))) out.add(n + "TURN_URLS needs turns:HOST:" + TLS_PUBLIC_PORT + "?transport=tcp, got " + list);
    }
    return out;
  }

  /**
   * Each pod finds its node's public address by itself (a new or replaced node needs no edit): the
   * init container runs {@value #INIT} of the ConfigMap, which asks STUN servers and writes
   * external-ip=PUBLIC/PRIVATE, with the node's address from status.hostIP and STUN_SERVERS set.
   */
  private static List<String> publicAddress(String n, PodSpec spec, ConfigMap conf) {
    List<String> out = new ArrayList<>();
    String script = conf.getData().getOrDefault(INIT, "");
    if (!script.contains("turnutils_stunclient") || !script.contains("external-ip=")) {
      out.add(n + "ConfigMap " + conf.getMetadata().getName() + " needs " + INIT + ", which asks STUN for the node's public address and writes external-ip");
    }
    Container init = spec.getInitContainers().stream().filter(k -> String.join(" ", concat(k.getCommand(), k.getArgs())).contains(INIT)).findFirst().orElse(null);
    if (init == null) {
      out.add(n + "an init container must run " + INIT + " (the node's public address, found over STUN)");
      return out;
    }
    boolean hostIp = init.getEnv().stream().anyMatch(e -> e.getName().equals("HOST_IP") && e.getValueFrom() != null
        && e.getValueFrom().getFieldRef() != null && "status.hostIP".equals(e.getValueFrom().getFieldRef().getFieldPath()));
    if (!hostIp) out.add(n + "init container " + init.getName() + ": HOST_IP must come from status.hostIP (the private side of external-ip)");
    if (init.getEnv().stream().noneMatch(e -> e.getName().equals("STUN_SERVERS"))) out.add(n + "init container " + init.getName() + " needs STUN_SERVERS");
    return out;
  }

  /**
   * A renewed certificate reaches coturn without a restart: a sidecar runs {@value #RELOAD} (SIGUSR2 on a
   * change of the files) with the same TLS volume, in the pod's shared process namespace, and sees coturn's
   * pid file through a shared volume.
   */
  private static List<String> certificateReload(String n, PodSpec spec, Container main, ConfigMap conf, Map<String, String> settings) {
    List<String> out = new ArrayList<>();
    if (!conf.getData().getOrDefault(RELOAD, "").contains("kill -USR2")) out.add(n + "ConfigMap " + conf.getMetadata().getName() + " needs " + RELOAD + " (SIGUSR2 to coturn when the certificate changes)");
    Container sidecar = spec.getContainers().stream().filter(k -> k != main && String.join(" ", concat(k.getCommand(), k.getArgs())).contains(RELOAD)).findFirst().orElse(null);
    if (sidecar == null) {
      out.add(n + "coturn needs a sidecar running " + RELOAD + " (the certificate is reloaded when it is renewed)");
      return out;
    }
    if (!Boolean.TRUE.equals(spec.getShareProcessNamespace())) out.add(n + "the pod must set shareProcessNamespace (the sidecar " + sidecar.getName() + " signals coturn)");
    List<String> tls = main.getVolumeMounts().stream().filter(m -> settings.getOrDefault("cert", "").startsWith(m.getMountPath() + "/")).map(VolumeMount::getName).toList();
    if (tls.isEmpty() || sidecar.getVolumeMounts().stream().noneMatch(m -> tls.contains(m.getName()))) out.add(n + "the sidecar " + sidecar.getName() + " must mount coturn's certificate volume " + tls);
    String pid = settings.getOrDefault("pidfile", "");
    boolean shared = main.getVolumeMounts().stream().anyMatch(m -> pid.startsWith(m.getMountPath() + "/")
        && sidecar.getVolumeMounts().stream().anyMatch(sm -> sm.getName().equals(m.getName()) && sm.getMountPath().equals(m.getMountPath())));
    if (!shared) out.add(n + "coturn's pidfile " + pid + " must be on a volume the sidecar " + sidecar.getName() + " mounts at the same path");
    return out;
  }

  /** key=value lines of a turnserver.conf (flags without a value map to ""). */
  static Map<String, String> settings(String conf) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : conf.lines().map(String::trim).toList()) {
      if (line.isEmpty() || line.startsWith("#")) continue;
      int eq = line.indexOf('=');
      out.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
    }
    return out;
  }

  private static boolean hasPort(List<ServicePort> ports, int port, String protocol, Container c, int containerPort) {
    for (ServicePort p : ports) {
      if (p.getPort() != port || !protocol.equals(p.getProtocol() == null ? "TCP" : p.getProtocol())) continue;
      for (ContainerPort cp : c.getPorts()) {
        boolean target = p.getTargetPort() == null ? cp.getContainerPort() == port
            : p.getTargetPort().getStrVal() != null ? p.getTargetPort().getStrVal().equals(cp.getName()) : p.getTargetPort().getIntVal() == cp.getContainerPort();
        if (target && cp.getContainerPort() == containerPort && protocol.equals(cp.getProtocol() == null ? "TCP" : cp.getProtocol())) return true;
      }
    }
    return false;
  }

  private static boolean fromTlsSecret(PodSpec spec, Container c, String file) {
    for (VolumeMount m : c.getVolumeMounts()) {
      String dir = m.getMountPath().endsWith("/") ? m.getMountPath() : m.getMountPath() + "/";
      if (!file.startsWith(dir)) continue;
      String name = file.substring(dir.length());
      for (Volume v : spec.getVolumes()) {
        if (!v.getName().equals(m.getName()) || v.getSecret() == null || !Checks.TLS_SECRETS.contains(v.getSecret().getSecretName())) continue;
        if (v.getSecret().getItems().stream().anyMatch(i -> i.getPath().equals(name))) return true;
      }
    }
    return false;
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
