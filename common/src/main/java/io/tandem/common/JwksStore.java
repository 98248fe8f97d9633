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
    return load(redis, false);
  }

  private static Future<List<JsonObject>> load(Redis redis, boolean prune) {
    return redis.send(Request.cmd(Command.HGETALL).arg(RedisKeys.JWKS)).compose(r -> {
      long now = System.currentTimeMillis();
      List<JsonObject> keys = new ArrayList<>();
      List<String> expired = new ArrayList<>();
      if (r != null) {
        for (String kid : r.getKeys()) {
          Response v = r.get(kid);
          try {
            JsonObject e = new JsonObject(v.toString());
            if (e.getLong("exp", 0L) > now) keys.add(e.getJsonObject("jwk"));
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
