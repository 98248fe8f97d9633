package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import java.util.List;

/**
 * A rate limit shared by every replica, in Redis, by GCRA (generic cell rate algorithm): {@code rate}
 * requests per {@code periodMs} on average with bursts of at most {@code burst}; smooth, so a client
 * never gets twice the rate at a window edge as a fixed window would allow.
 */
public final class RateLimiter {
  private final Redis redis;
  private final String scope;
  private final long emissionIntervalMs;
  private final int burst;

  public RateLimiter(Redis redis, String scope, int rate, long periodMs, int burst) {
    if (rate < 1 || burst < 1 || periodMs < 1) throw new IllegalArgumentException("rate limit " + scope + " needs rate, burst and period >= 1");
    this.redis = redis;
    this.scope = scope;
    this.emissionIntervalMs = Math.max(1, periodMs / rate);
    this.burst = burst;
  }

  /** Succeeds when {@code clientKey} may go on; fails RATE_LIMITED with the seconds to wait otherwise. */
  public Future<Void> check(String clientKey) {
    return RedisScript.RATE_LIMIT.runOn(redis, List.of(RedisKeys.rateLimit(scope, clientKey)), emissionIntervalMs, burst)
        .compose(r -> r.get(0).toInteger() == 1
            ? Future.succeededFuture()
            : refused(TandemException.rateLimited((int) Math.max(1, (r.get(1).toLong() + 999) / 1000))));
  }


  private Future<Void> refused(TandemException e) {
    io.micrometer.core.instrument.Counter.builder("tandem_rate_limited_total").tag("scope", scope)
        .description("requests refused by a rate limit").register(Telemetry.registry()).increment();
    return Future.failedFuture(e);
  }
}
