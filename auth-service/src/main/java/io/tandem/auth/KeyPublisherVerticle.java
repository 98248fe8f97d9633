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
 * {@link #KEY_GRACE_MS} plus the token lifetime, so tokens it signed stay verifiable. Its presence is
 * checked every {@link #PRESENCE_CHECK_INTERVAL_MS}: after Redis lost its data the key is back within
 * about a second.
 */
public final class KeyPublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(KeyPublisherVerticle.class);
  /** How often the key's entry is refreshed, ms. */
  public static final long PUBLISH_INTERVAL_MS = 60_000;
  /** How long a key stays published after its last refresh (besides the token lifetime), ms. */
  public static final long KEY_GRACE_MS = 5 * PUBLISH_INTERVAL_MS;
  /** How often the key's presence in Redis is checked (one HEXISTS); a missing key is republished at once, ms. */
  public static final long PRESENCE_CHECK_INTERVAL_MS = 1_000;

  private final Redis redis;
  private final KeyRing keys;
  private final AuthConfig config;
  private long timer = -1;
  private long reloadTimer = -1;
  private long presenceTimer = -1;
  private boolean checking;

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
    presenceTimer = vertx.setPeriodic(PRESENCE_CHECK_INTERVAL_MS, t -> republishIfMissing());
    return publish().onSuccess(v -> LOG.info("signing key published kid={}", keys.current().kid()));
  }

  /** Redis lost the key (restarted empty, flushed): publish it again now, not at the next refresh. */
  private void republishIfMissing() {
    if (checking) return;
    checking = true;
    String kid = keys.current().kid();
    JwksStore.present(redis, kid)
        .compose(present -> present ? Future.succeededFuture(false) : publish().map(true))
        .onSuccess(republished -> {
          if (republished) LOG.warn("signing key kid={} was missing from Redis (data loss?): published it again", kid);
        })
        .onFailure(err -> LOG.debug("signing key presence check failed: {}", err.toString()))
        .onComplete(ar -> checking = false);
  }

  private Future<Void> publish() {
    long exp = System.currentTimeMillis() + KEY_GRACE_MS + config.accessTtlSeconds() * 1000L;
    return JwksStore.publish(redis, keys.current().publicJwk(), exp);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    vertx.cancelTimer(reloadTimer);
    vertx.cancelTimer(presenceTimer);
    return Future.succeededFuture();
  }
}
