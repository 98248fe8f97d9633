package io.tandem.gateway.token;

import io.tandem.common.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refresh-token families revoked (claim {@code fam}), each until the last of its tokens has expired:
 * loaded from Redis with each key reload and told on the event bus in between, never read per token.
 * Thread-safe (a concurrent map).
 */
final class RevokedFamilies {
  /** Revoked family id → ms until which its tokens are refused. */
  private final Map<String, Long> until = new ConcurrentHashMap<>();

  /** Loads the families revoked from {@code now} on (merged with those already known). */
  Future<Void> load(Redis redis, long now) {
    return redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(RedisKeys.REVOKED_FAMILIES).arg(now).arg("+inf").arg("WITHSCORES"))
        .map(r -> {
          if (r != null) {
            for (int i = 0; i + 1 < r.size(); i += 2) revoke(r.get(i).toString(), (long) Double.parseDouble(r.get(i + 1).toString()));
          }
          return null;
        });
  }

  void revoke(String family, long untilMs) {
    long now = System.currentTimeMillis();
    if (untilMs <= now) return;
    until.merge(family, untilMs, Math::max);
    until.values().removeIf(u -> u <= now);
  }

  boolean revoked(String family) {
    Long u = until.get(family);
    return u != null && u > System.currentTimeMillis();
  }
}
