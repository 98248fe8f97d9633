package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.Checks.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mutual TLS on the event bus as the eventbus-tls component sets it up: every service with
 * {@code EVENTBUS_TLS=on}, and {@code EVENTBUS_TLS_CERT}, {@code _KEY}, {@code _CA} each a file of
 * its own service's Secret, mounted read-only.
 */
final class EventBusTlsChecks {
  /** Each service's event-bus Secret (kubernetes.io/tls with ca.crt, e.g. from cert-manager's CA Issuer). */
  static final Map<String, String> SECRETS = Map.of(
      "auth-service", "auth-service-eventbus-tls", "gateway-service", "gateway-service-eventbus-tls",
      "matchmaker-service", "matchmaker-service-eventbus-tls", "chat-service", "chat-service-eventbus-tls");
  /** The keys a volume may take from those Secrets. */
  static final Set<String> KEYS = Set.of("tls.crt", "tls.key", "ca.crt");
  /** Each file setting and the Secret key it must be. */
  static final Map<String, String> FILES = Map.of("EVENTBUS_TLS_CERT", "tls.crt", "EVENTBUS_TLS_KEY", "tls.key", "EVENTBUS_TLS_CA", "ca.crt");

  private EventBusTlsChecks() {}

  /** What keeps the bundle's services from running their event bus under mutual TLS. */
  static List<String> problems(Bundle b) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : SECRETS.entrySet()) {
      Optional<Workload> w = b.service(e.getKey());
      if (w.isEmpty()) {
        out.add(b.name + ": no workload runs " + e.getKey());
        continue;
      }
      String id = b.name + ": " + w.get().id();
      Container c = w.get().main();
      Map<String, Setting> env = Checks.environment(b, id, c, out);
      Setting mode = env.get("EVENTBUS_TLS");
      if (mode == null || !"on".equals(mode.value())) out.add(id + ": EVENTBUS_TLS must be on, is " + (mode == null ? "unset" : mode.value()));
      for (Map.Entry<String, String> f : FILES.entrySet()) {
        Setting s = env.get(f.getKey());
        if (s == null) {
          out.add(id + ": " + f.getKey() + " is unset");
        } else if (!fileOfSecret(w.get(), c, s.value(), e.getValue(), f.getValue())) {
          out.add(id + ": " + f.getKey() + "=" + s.value() + " is not the key " + f.getValue() + " of Secret " + e.getValue() + ", mounted read-only");
        }
      }
    }
    return out;
  }

  /** Whether {@code path} is the file a read-only mount of {@code secret} puts key {@code key} at. */
  private static boolean fileOfSecret(Workload w, Container c, String path, String secret, String key) {
    for (VolumeMount m : c.getVolumeMounts()) {
      if (!Boolean.TRUE.equals(m.getReadOnly())) continue;
      for (Volume v : w.template().getSpec().getVolumes()) {
        if (!v.getName().equals(m.getName()) || v.getSecret() == null || !secret.equals(v.getSecret().getSecretName())) continue;
        for (KeyToPath i : v.getSecret().getItems()) {
          if (i.getKey().equals(key) && path.equals(m.getMountPath().replaceAll("/+$", "") + "/" + i.getPath())) return true;
        }
      }
    }
    return false;
  }

  /**
   * Services in production mode ({@code TANDEM_ENV=production}) whose pods would refuse to start:
   * event-bus TLS neither on nor switched off on purpose ({@code off-insecure}).
   */
  static List<String> refusedToStart(Bundle b) {
    List<String> out = new ArrayList<>();
    for (Workload w : b.services()) {
      String id = b.name + ": " + w.id();
      Map<String, Setting> env = Checks.environment(b, id, w.main(), out);
      Setting envName = env.get("TANDEM_ENV");
      if (envName == null || !"production".equalsIgnoreCase(envName.value())) continue;
      Setting mode = env.get("EVENTBUS_TLS");
      String m = mode == null ? "unset" : mode.value();
      if (!m.equals("on") && !m.equals("off-insecure")) {
        out.add(id + ": TANDEM_ENV=production with EVENTBUS_TLS " + m + ": the service would refuse to start");
      }
    }
    return out;
  }
}
