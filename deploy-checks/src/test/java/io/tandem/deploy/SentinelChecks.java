package io.tandem.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.tandem.deploy.Bundle.Workload;
import io.tandem.deploy.Checks.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis with Sentinel as production needs it: three Redis pods and three Sentinels (a quorum
 * survives one node), disruption budgets, a password from the Secret as a file, persistence on
 * volumes, every service finding the master through the Sentinels, and a redis_exporter beside each
 * Redis for the alerts.
 */
final class SentinelChecks {
  static final int MIN_REDIS_PODS = 3;
  static final int SENTINELS = 3;
  static final String SCRIPTS = "redis-sentinel-scripts";
  static final String PASSWORD_KEY = "redis-password";
  /** The Secret key the old layout kept a second copy of the password in (a URL): it must not come back. */
  static final String URL_KEY = "redis-url";
  static final String EXPORTER_IMAGE = "oliver006/redis_exporter";
  static final String METRICS = "metrics";

  private SentinelChecks() {}

  static List<String> problems(Bundle b) {
    List<String> out = new ArrayList<>();
    String n = b.name + ": ";
    Optional<StatefulSet> redis = b.find(StatefulSet.class, Checks.REDIS_WORKLOAD);
    Optional<StatefulSet> sentinel = b.find(StatefulSet.class, Checks.SENTINEL_WORKLOAD);
    if (redis.isEmpty() || sentinel.isEmpty()) {
      out.add(n + "needs the StatefulSets " + Checks.REDIS_WORKLOAD + " and " + Checks.SENTINEL_WORKLOAD);
      return out;
    }
    Integer pods = redis.get().getSpec().getReplicas();
    if (pods == null || pods < MIN_REDIS_PODS) out.add(n + "redis needs at least " + MIN_REDIS_PODS + " pods (a master and two replicas), got " + pods);
    Integer sentinels = sentinel.get().getSpec().getReplicas();
    if (sentinels == null || sentinels != SENTINELS) out.add(n + "redis-sentinel needs " + SENTINELS + " pods, got " + sentinels);
    for (StatefulSet s : List.of(redis.get(), sentinel.get())) {
      var labels = s.getSpec().getTemplate().getMetadata().getLabels();
      boolean budget = b.all(PodDisruptionBudget.class).stream().anyMatch(p -> Bundle.matches(p.getSpec().getSelector(), labels)
          && p.getSpec().getMaxUnavailable() != null && Integer.valueOf(1).equals(p.getSpec().getMaxUnavailable().getIntVal()));
      if (!budget) out.add(n + s.getMetadata().getName() + " needs a PodDisruptionBudget with maxUnavailable 1");
      out.addAll(passwordFromFile(n, s));
    }
    // The scripts: the password from the file, the monitor name from the services' setting.
    ConfigMap scripts = scripts(b);
    if (scripts == null || scripts.getData() == null) {
      out.add(n + "no ConfigMap " + SCRIPTS);
      return out;
    }
    String redisConf = scripts.getData().getOrDefault("redis.conf", "");
    String redisInit = scripts.getData().getOrDefault("redis-init.sh", "");
    String sentinelInit = scripts.getData().getOrDefault("sentinel-init.sh", "");
    out.addAll(exporter(n, redis.get(), redisInit));
    if (!redisConf.lines().map(String::trim).anyMatch("appendonly yes"::equals)) out.add(n + "redis.conf must set appendonly yes (block lists and reports survive a restart)");
    if (!redisInit.contains("requirepass") || !redisInit.contains("masterauth")) out.add(n + "redis-init.sh must set requirepass and masterauth");
    if (!sentinelInit.contains("sentinel auth-pass") || !sentinelInit.contains("requirepass")) out.add(n + "sentinel-init.sh must set sentinel auth-pass and requirepass");
    if (!sentinelInit.contains("sentinel monitor $MASTER_NAME")) out.add(n + "sentinel-init.sh must monitor $MASTER_NAME");
    for (StatefulSet s : List.of(redis.get(), sentinel.get())) {
      for (Container c : s.getSpec().getTemplate().getSpec().getInitContainers()) {
        EnvVar master = c.getEnv().stream().filter(e -> e.getName().equals("MASTER_NAME")).findFirst().orElse(null);
        boolean shared = master != null && master.getValueFrom() != null && master.getValueFrom().getConfigMapKeyRef() != null
            && ("tandem-common".equals(master.getValueFrom().getConfigMapKeyRef().getName())
                || "tandem-common".equals(Bundle.generatedName(master.getValueFrom().getConfigMapKeyRef().getName())))
            && "REDIS_MASTER_NAME".equals(master.getValueFrom().getConfigMapKeyRef().getKey());
        if (!shared) out.add(n + s.getMetadata().getName() + " init container " + c.getName() + ": MASTER_NAME must come from tandem-common REDIS_MASTER_NAME (what the services ask the Sentinels for)");
      }
    }
    // A failover (down-after-milliseconds + about a second without writes) must not make the matchmaker
    // declare live gateways dead (that closes their sockets): NODE_TTL_MS at least twice down-after.
    Matcher downAfter = Pattern.compile("down-after-milliseconds \\$MASTER_NAME (\\d+)").matcher(sentinelInit);
    Optional<Workload> matchmaker = b.service("matchmaker-service");
    if (downAfter.find() && matchmaker.isPresent()) {
      long down = Long.parseLong(downAfter.group(1));
      String ttl = value(Checks.environment(b, matchmaker.get().id(), matchmaker.get().main(), out), "NODE_TTL_MS");
      long nodeTtl = ttl == null ? ServiceCode.intConstant("common/src/main/java/io/tandem/common/Limits.java", "NODE_TTL_MS") : Long.parseLong(ttl);
      if (nodeTtl < 2 * down) out.add(n + "the matchmaker's NODE_TTL_MS (" + nodeTtl + ") must be at least twice Sentinel's down-after-milliseconds (" + down + "): a failover would declare live gateways dead");
    }
    // Persistence: Redis's dir is a volume claimed per pod.
    String dir = redisConf.lines().map(String::trim).filter(l -> l.startsWith("dir ")).map(l -> l.substring(4).trim()).findFirst().orElse(null);
    // The container named redis (a sidecar such as redis_exporter may sit beside it), else the first.
    List<Container> containers = redis.get().getSpec().getTemplate().getSpec().getContainers();
    Container r = containers.stream().filter(c -> "redis".equals(c.getName())).findFirst().orElse(containers.get(0));
    boolean persisted = dir != null && r.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals(dir)
        && redis.get().getSpec().getVolumeClaimTemplates().stream().map(PersistentVolumeClaim::getMetadata).anyMatch(md -> md.getName().equals(m.getName())));
    if (!persisted) out.add(n + "redis.conf's dir " + dir + " must be a volume from the StatefulSet's volumeClaimTemplates");
    // Stable names: headless Services for both.
    for (String svc : List.of(redis.get().getSpec().getServiceName(), sentinel.get().getSpec().getServiceName())) {
      Optional<Service> s = b.find(Service.class, svc);
      if (s.isEmpty() || !"None".equals(s.get().getSpec().getClusterIP())) out.add(n + "Service " + svc + " must be headless (the pods' stable names are the addresses)");
    }
    // The services: the Sentinels' addresses without a password, and the password from the one key
    // Redis and the Sentinels read, so the two cannot drift apart.
    for (Workload w : b.services()) {
      Map<String, Setting> env = Checks.environment(b, w.id(), w.main(), out);
      String id = n + w.id();
      if (!"sentinel".equals(value(env, "REDIS_MODE"))) out.add(id + ": REDIS_MODE must be sentinel, got " + value(env, "REDIS_MODE"));
      if (value(env, "REDIS_MASTER_NAME") == null) out.add(id + ": REDIS_MASTER_NAME must be set");
      String url = value(env, "REDIS_URL");
      if (url == null || !url.contains(":26379")) out.add(id + ": REDIS_URL must list the Sentinels (port 26379), got " + (url == null ? null : url.replaceAll("//[^@/]*@", "//***@")));
      else if (url.contains("@")) out.add(id + ": REDIS_URL must carry no password (a second copy that drifts from " + PASSWORD_KEY + "): REDIS_PASSWORD adds it");
      Setting password = env.get("REDIS_PASSWORD");
      String from = "env secretKeyRef " + Checks.SECRET + "/" + PASSWORD_KEY;
      if (password == null || !password.origin().equals(from)) {
        out.add(id + ": REDIS_PASSWORD must come from Secret " + Checks.SECRET + " key " + PASSWORD_KEY + " (the key Redis and the Sentinels read), got "
            + (password == null ? null : password.origin()));
      }
    }
    if (Checks.secretKeys(b).containsKey(URL_KEY)) out.add(n + "Secret key " + URL_KEY + " is read (" + Checks.secretKeys(b).get(URL_KEY) + "): the password must live in " + PASSWORD_KEY + " only");
    return out;
  }

  /** The ConfigMap of the scripts: {@value #SCRIPTS}, or its configMapGenerator name (a hash suffix). */
  static ConfigMap scripts(Bundle b) {
    return b.all(ConfigMap.class).stream().filter(m -> generated(m.getMetadata().getName(), SCRIPTS)).findFirst().orElse(null);
  }

  /** Whether a name is {@code base} or what kustomize's configMapGenerator makes of it ({@code base-<hash>}). */
  static boolean generated(String name, String base) {
    return name.equals(base) || name.matches(Pattern.quote(base) + "-[a-z0-9]{10}");
  }

  /**
   * Each Redis pod serves its metrics: a redis_exporter sidecar (image pinned by tag), a port named
   * {@value #METRICS}, the password read from the file redis-init.sh writes (never a variable or an argument).
   */
  private static List<String> exporter(String n, StatefulSet redis, String redisInit) {
    List<String> out = new ArrayList<>();
    PodSpec spec = redis.getSpec().getTemplate().getSpec();
    Container e = spec.getContainers().stream().filter(c -> c.getImage() != null && c.getImage().startsWith(EXPORTER_IMAGE + ":")).findFirst().orElse(null);
    if (e == null) {
      out.add(n + "redis needs a redis_exporter sidecar (" + EXPORTER_IMAGE + ") for the Redis memory and replication alerts");
      return out;
    }
    String tag = e.getImage().substring(EXPORTER_IMAGE.length() + 1);
    if (!tag.matches("v\\d+\\.\\d+\\.\\d+.*")) out.add(n + "redis_exporter's image must be pinned to a release tag, got " + e.getImage());
    if (Bundle.port(e, METRICS).isEmpty()) out.add(n + "redis_exporter needs a container port named " + METRICS);
    List<String> args = new ArrayList<>(e.getCommand());
    args.addAll(e.getArgs());
    String file = args.stream().filter(a -> a.startsWith("--redis.password-file=")).map(a -> a.substring(a.indexOf('=') + 1)).findFirst().orElse(null);
    if (args.stream().anyMatch(a -> a.startsWith("--redis.password=") || a.startsWith("-redis.password="))) out.add(n + "redis_exporter puts the password on its command line");
    for (EnvVar v : e.getEnv()) {
      if (v.getValueFrom() != null && v.getValueFrom().getSecretKeyRef() != null) out.add(n + "redis_exporter gets a secret in variable " + v.getName() + " (read it from a file)");
    }
    boolean written = file != null && redisInit.contains(file.substring(file.lastIndexOf('/') + 1))
        && e.getVolumeMounts().stream().anyMatch(m -> file.startsWith(m.getMountPath() + "/")
            && spec.getInitContainers().stream().flatMap(c -> c.getVolumeMounts().stream()).anyMatch(im -> im.getName().equals(m.getName())));
    if (!written) out.add(n + "redis_exporter must read the password from --redis.password-file, a file redis-init.sh writes into a volume it shares with the init container, got " + file);
    return out;
  }

  /** The password reaches a StatefulSet's pods only as a file of Secret tandem-secrets, never as an argument. */
  private static List<String> passwordFromFile(String n, StatefulSet s) {
    List<String> out = new ArrayList<>();
    PodSpec spec = s.getSpec().getTemplate().getSpec();
    boolean mounted = false;
    for (Volume v : spec.getVolumes()) {
      if (v.getSecret() != null && Checks.SECRET.equals(v.getSecret().getSecretName())
          && v.getSecret().getItems().stream().anyMatch(i -> i.getKey().equals(PASSWORD_KEY))) {
        mounted = spec.getInitContainers().stream().anyMatch(c -> c.getVolumeMounts().stream().map(VolumeMount::getName).anyMatch(v.getName()::equals));
      }
    }
    if (!mounted) out.add(n + s.getMetadata().getName() + ": the init container must read the password from Secret " + Checks.SECRET + " key " + PASSWORD_KEY + " as a file");
    List<Container> all = new ArrayList<>(spec.getInitContainers());
    all.addAll(spec.getContainers());
    for (Container c : all) {
      List<String> args = new ArrayList<>(c.getCommand());
      args.addAll(c.getArgs());
      for (String a : args) {
        if (a.matches("(?s).*(--requirepass|--masterauth|(^|\\s)-a\\s).*")) out.add(n + s.getMetadata().getName() + " container " + c.getName() + " puts the password on its command line");
      }
    }
    return out;
  }

  private static String value(Map<String, Setting> env, String name) {
    Setting s = env.get(name);
    return s == null ? null : s.value();
  }
}
