package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.redis.client.Redis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a Redis-shared hash secret in step ({@link Hashing#sync} every {@link Hashing#SYNC_INTERVAL_MS});
 * does nothing when {@code HASH_SECRET} is configured.
 */
public final class HashSecretVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HashSecretVerticle.class);
  private final Redis redis;
  private final Hashing hashing;
  private long timer = -1;
  private boolean running;

  public HashSecretVerticle(Redis redis, Hashing hashing) {
    this.redis = redis;
    this.hashing = hashing;
  }

  @Override
  public Future<?> start() {
    if (hashing.shared()) timer = vertx.setPeriodic(Hashing.SYNC_INTERVAL_MS, t -> check());
    return Future.succeededFuture();
  }

  private void check() {
    if (running) return;
    running = true;
    hashing.sync(redis)
        .onFailure(err -> LOG.debug("hash secret check failed: {}", err.toString()))
        .onComplete(ar -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
