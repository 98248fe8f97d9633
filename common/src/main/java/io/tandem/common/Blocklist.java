package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Blocks by device and by network, stored under keyed hashes only ({@code blocklist:device:*},
 * {@code blocklist:ip:*}), each with a reason and an expiry (the key's TTL).
 */
public final class Blocklist {
  /** Kinds of block. */
  public enum Kind { DEVICE, IP }

  private final Redis redis;

  public Blocklist(Redis redis) {
    this.redis = redis;
  }

  public static String key(Kind kind, String hash) {
    return kind == Kind.DEVICE ? RedisKeys.blockedDevice(hash) : RedisKeys.blockedIp(hash);
  }

  /** Fails BLOCKED when the device or the network is blocked (either hash may be null). */
  public Future<Void> check(String deviceHash, String ipHash) {
    List<Future<Response>> gets = new ArrayList<>();
    if (deviceHash != null && !deviceHash.isEmpty()) gets.add(redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.blockedDevice(deviceHash))));
    if (ipHash != null && !ipHash.isEmpty()) gets.add(redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.blockedIp(ipHash))));
    return Future.all(gets).compose(all -> {
      for (int i = 0; i < all.size(); i++) {
        Response r = all.resultAt(i);
        if (r != null && r.toInteger() == 1) return Future.failedFuture(new TandemException(ErrorCode.BLOCKED));
      }
      return Future.succeededFuture();
    });
  }

  /** Adds (or replaces) a block for ttlSeconds. */
  public Future<JsonObject> add(Kind kind, String hash, String reason, String source, int ttlSeconds) {
    JsonObject entry = new JsonObject().put("kind", kind.name().toLowerCase()).put("hash", hash).put("reason", reason)
        .put("source", source).put("expiresAt", System.currentTimeMillis() / 1000 + ttlSeconds);
    return redis.send(Request.cmd(Command.SET).arg(key(kind, hash)).arg(entry.encode()).arg("EX").arg(ttlSeconds)).map(entry);
  }

  /** Removes a block; true when there was one. */
  public Future<Boolean> remove(Kind kind, String hash) {
    return redis.send(Request.cmd(Command.DEL).arg(key(kind, hash))).map(r -> r.toInteger() == 1);
  }

  /** Every current block (SCAN: for the admin API, not for hot paths). */
  public Future<JsonArray> list() {
    return scan("0", new JsonArray());
  }

  private Future<JsonArray> scan(String cursor, JsonArray acc) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("blocklist:*").arg("COUNT").arg(500)).compose(r -> {
      List<Future<Response>> gets = new ArrayList<>();
      for (Response k : r.get(1)) gets.add(redis.send(Request.cmd(Command.GET).arg(k.toString())));
      return Future.all(gets).compose(all -> {
        for (int i = 0; i < all.size(); i++) {
          Response v = all.resultAt(i);
          if (v != null) acc.add(new JsonObject(v.toString()));
        }
        String next = r.get(0).toString();
        return "0".equals(next) ? Future.succeededFuture(acc) : scan(next, acc);
      });
    });
  }
}
