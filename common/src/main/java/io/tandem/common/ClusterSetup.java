package io.tandem.common;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The clustered Vert.x instance every service runs in. Hazelcast joins by a TCP member list on a
 * laptop ({@code CLUSTER_MEMBERS}) or through the Kubernetes headless Service
 * ({@code CLUSTER_DISCOVERY=kubernetes}, {@code CLUSTER_K8S_SERVICE_DNS}).
 */
public final class ClusterSetup {
  /** First Hazelcast port on a laptop; the default member list names this and the next few. */
  public static final int DEFAULT_PORT = 5701;
  /** How many consecutive ports the default member list names (one per local process). */
  public static final int DEFAULT_MEMBER_PORTS = 8;

  private ClusterSetup() {}

  public static Config hazelcastConfig(Env env) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(env.str("CLUSTER_NAME", "tandem"));
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds",
        Integer.toString(env.integer("CLUSTER_MAX_NO_HEARTBEAT_SECONDS", 5, 2, 300)));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    String host = env.str("CLUSTER_HOST", "127.0.0.1");
    int port = env.integer("CLUSTER_PORT", DEFAULT_PORT, 1, 65535);
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(true).setPortCount(DEFAULT_MEMBER_PORTS * 4);
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    String discovery = env.str("CLUSTER_DISCOVERY", "tcp");
    switch (discovery) {
      case "tcp" -> {
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface(host);
        // listen on CLUSTER_HOST only (by default Hazelcast binds every interface)
        config.setProperty("hazelcast.socket.bind.any", "false");
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).setMembers(members(env, host, port));
      }
      case "kubernetes" -> {
        join.getTcpIpConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(true)
            .setProperty("service-dns", env.str("CLUSTER_K8S_SERVICE_DNS", "tandem-hazelcast"))
            .setProperty("service-port", Integer.toString(port));
      }
      default -> throw new IllegalArgumentException("CLUSTER_DISCOVERY must be tcp or kubernetes, got '" + discovery + "'");
    }
    return config;
  }

  private static List<String> members(Env env, String host, int port) {
    String list = env.raw("CLUSTER_MEMBERS");
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (String m : list.split(",")) if (!m.isBlank()) out.add(m.trim());
      return out;
    }
    for (int i = 0; i < DEFAULT_MEMBER_PORTS; i++) out.add(host + ":" + (port + i));
    return out;
  }

  /**
   * Starts a clustered Vert.x joined to the others, its event bus under mutual TLS when
   * {@code EVENTBUS_TLS=on} ({@link EventBusTls}). Bad settings (IllegalArgumentException naming the
   * setting) fail the future before anything joins the cluster.
   */
  public static Future<Vertx> start(Env env) {
    VertxOptions options;
    Config hazelcast;
    try {
      options = Transport.options(env);
      options.getEventBusOptions()
          .setHost(env.str("EVENTBUS_HOST", "127.0.0.1"))
          .setPort(env.integer("EVENTBUS_PORT", 0, 0, 65535));
      String publicHost = env.raw("EVENTBUS_PUBLIC_HOST");
      if (publicHost != null) options.getEventBusOptions().setClusterPublicHost(publicHost);
      Instant now = Instant.now();
      EventBusTls.Material tls = EventBusTls.fromEnv(env, now);
      if (tls != null) EventBusTls.apply(options.getEventBusOptions(), tls);
      hazelcast = hazelcastConfig(env);
      EventBusTls.report(tls, EventBusTls.mode(env), now);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return Telemetry.vertxBuilder(options, env)
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .map(vertx -> Transport.report(vertx, env));
  }
}
