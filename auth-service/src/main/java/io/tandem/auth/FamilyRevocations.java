package io.tandem.auth;

import io.tandem.common.Addresses;
import io.tandem.common.Limits;
import io.tandem.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Tells the gateways that a refresh-token family was revoked, so they refuse the access tokens
 * already issued to it (claim {@code fam}) until those have expired: an event-bus publish for the
 * running gateways, and {@link RedisKeys#REVOKED_FAMILIES} for gateways that start or reload keys
 * later. Gateways never ask Redis per handshake.
 */
public final class FamilyRevocations {
  private final Vertx vertx;
  private final Redis redis;
  private final long keepMs;

  /** {@code accessTtlSeconds}: the longest an access token of the family can still be valid. */
  public FamilyRevocations(Vertx vertx, Redis redis, int accessTtlSeconds) {
    this.vertx = vertx;
    this.redis = redis;
    this.keepMs = (accessTtlSeconds + Limits.TOKEN_LEEWAY_SECONDS) * 1000L;
  }

  /** Records and announces the revocation; succeeds once recorded in Redis. */
  public Future<Void> revoke(String family) {
    long now = System.currentTimeMillis();
    long until = now + keepMs;
    vertx.eventBus().publish(Addresses.AUTH_FAMILY_REVOKED, new JsonObject().put("family", family).put("until", until));
    return redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.REVOKED_FAMILIES).arg(until).arg(family))
        .compose(r -> redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(RedisKeys.REVOKED_FAMILIES).arg("-inf").arg(now)))
        .compose(r -> redis.send(Request.cmd(Command.PEXPIRE).arg(RedisKeys.REVOKED_FAMILIES).arg(keepMs)))
        .mapEmpty();
  }
}
