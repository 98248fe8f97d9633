package io.tandem.auth;

import io.tandem.common.JwksStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this replica's public signing key to Redis and keeps it fresh, so every gateway can
 * verify tokens without ever holding the private key. A key outlives its last refresh by
 * {@link #KEY_GRACE_MS} plus the token lifetime, so tokens it signed stay verifiable.
 */
public final class KeyPublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(KeyPublisherVerticle.class);
  /** How often the key's entry is refreshed, ms. */
  public static final long PUBLISH_INTERVAL_MS = 60_000;
  /** How long a key stays published after its last refresh (besides the token lifetime), ms. */
  public static final long KEY_GRACE_MS = 5 * PUBLISH_INTERVAL_MS;

  private final Redis redis;
  private final KeyRing keys;
  private final AuthConfig config;
  private long timer = -1;
  private long reloadTimer = -1;

  public KeyPublisherVerticle(Redis redis, KeyRing keys, AuthConfig config) {
    this.redis = redis;
    this.keys = keys;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(PUBLISH_INTERVAL_MS, t -> publish()
        .onFailure(err -> LOG.warn("could not refresh signing key kid={}: {}", keys.current().kid(), err.toString())));
    if (config.privateKeyPath() != null) {
      reloadTimer = vertx.setPeriodic(config.keyReloadMs(), t -> vertx.executeBlocking(keys::reloadIfChanged)
          .onSuccess(changed -> {
            if (changed) publish().onSuccess(v -> LOG.info("signing key rotated kid={}", keys.current().kid()));
          }));
    }
    return publish().onSuccess(v -> LOG.info("signing key published kid={}", keys.current().kid()));
  }

  private Future<Void> publish() {
    long exp = System.currentTimeMillis() + KEY_GRACE_MS + config.accessTtlSeconds() * 1000L;
    return JwksStore.publish(redis, keys.current().publicJwk(), exp);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(reloadTimer);
    return Future.succeededFuture();
  }
}
