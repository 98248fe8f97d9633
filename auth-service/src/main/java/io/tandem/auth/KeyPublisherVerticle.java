package io.tandem.auth;

import io.tandem.common.JwksStore;
import io.tandem.common.Limits;
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
  private final SigningKey key;
  private long timer = -1;

  public KeyPublisherVerticle(Redis redis, SigningKey key) {
    this.redis = redis;
    this.key = key;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(PUBLISH_INTERVAL_MS, t -> publish()
        .onFailure(err -> LOG.warn("could not refresh signing key kid={}: {}", key.kid(), err.toString())));
    return publish().onSuccess(v -> LOG.info("signing key published kid={}", key.kid()));
  }

  private Future<Void> publish() {
    long exp = System.currentTimeMillis() + KEY_GRACE_MS + Limits.ACCESS_TOKEN_TTL_SECONDS * 1000L;
    return JwksStore.publish(redis, key.publicJwk(), exp);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
