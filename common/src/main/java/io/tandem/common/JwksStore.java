package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * The public keys that verify access tokens, shared through Redis ({@link RedisKeys#JWKS}): each
 * auth-service replica publishes its key with an expiry and refreshes it; verifiers read them all.
 */
public final class JwksStore {
  private JwksStore() {}

  /** Publishes (or refreshes) one public JWK until {@code expiresAtMs}; drops expired ones. */
  public static Future<Void> publish(Redis redis, JsonObject publicJwk, long expiresAtMs) {
    String entry = new JsonObject().put("jwk", publicJwk).put("exp", expiresAtMs).encode();
    return redis.send(Request.cmd(Command.HSET).arg(RedisKeys.JWKS).arg(publicJwk.getString("kid")).arg(entry))
        .compose(r -> load(redis, true)).mapEmpty();
  }

  /** The unexpired public JWKs. */
  public static Future<List<JsonObject>> load(Redis redis) {
    return entries(redis).map(list -> list.stream().map(Entry::jwk).toList());
  }

  /**
   * A published key and when its entry expires.
   *
   * @param jwk the public JWK
   * @param expiresAtMs the entry's expiry (tokens it signed are all expired by then)
   */
  public record Entry(JsonObject jwk, long expiresAtMs) {}

  /** The unexpired entries. */
  public static Future<List<Entry>> entries(Redis redis) {
    return load(redis, false);
  }

  /** Whether the key {@code kid} is in Redis (a cheap check for a store that lost its data). */
  public static Future<Boolean> present(Redis redis, String kid) {
    return redis.send(Request.cmd(Command.HEXISTS).arg(RedisKeys.JWKS).arg(kid)).map(r -> r != null && r.toInteger() == 1);
  }

  private static Future<List<Entry>> load(Redis redis, boolean prune) {
    return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.JWKS)).compose(r -> {
      long now = System.currentTimeMillis();
      List<Entry> keys = new ArrayList<>();
      List<String> expired = new ArrayList<>();
      if (r != null) {
        for (String kid : r.getKeys()) {
          Response v = r.get(kid);
          try {
            JsonObject e = new JsonObject(v.toString());
            long exp = e.getLong("exp", 0L);
            if (exp > now && e.getJsonObject("jwk") != null) keys.add(new Entry(e.getJsonObject("jwk"), exp));
            else expired.add(kid);
          } catch (RuntimeException bad) {
            expired.add(kid);
          }
        }
      }
      if (prune && !expired.isEmpty()) {
        Request del = Request.cmd(Command.HDEL).arg(RedisKeys.JWKS);
        expired.forEach(del::arg);
        return redis.send(del).map(keys);
      }
      return Future.succeededFuture(keys);
    });
  }
}
