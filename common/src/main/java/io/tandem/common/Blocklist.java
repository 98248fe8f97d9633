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
        if (r != null && r.toInteger() == 1) {
          io.micrometer.core.instrument.Counter.builder("tandem_blocked_refusals_total")
              .description("requests and handshakes refused because of a block").register(Telemetry.registry()).increment();
          return Future.failedFuture(new TandemException(ErrorCode.BLOCKED));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** Adds (or replaces) a block for ttlSeconds (and indexes it for {@link #list}). */
  public Future<JsonObject> add(Kind kind, String hash, String reason, String source, int ttlSeconds) {
    long expiresAt = System.currentTimeMillis() / 1000 + ttlSeconds;
    JsonObject entry = new JsonObject().put("kind", kind.name().toLowerCase()).put("hash", hash).put("reason", reason)
        .put("source", source).put("expiresAt", expiresAt);
    return redis.send(Request.cmd(Command.SET).arg(key(kind, hash)).arg(entry.encode()).arg("EX").arg(ttlSeconds))
        .compose(r -> index(key(kind, hash), expiresAt, source)).map(entry);
  }



  /** Records a block key in the admin index (blocks made by scripts call this too) and counts it by source. */
  public Future<Void> index(String blockKey, long expiresAtSeconds, String source) {
    io.micrometer.core.instrument.Counter.builder("tandem_blocks_total").tag("source", source)
        .description("blocks added, by source (admin, auto)").register(Telemetry.registry()).increment();
    return redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.BLOCK_INDEX).arg(expiresAtSeconds).arg(blockKey)).mapEmpty();
  }

  /** Removes a block; true when there was one. */
  public Future<Boolean> remove(Kind kind, String hash) {
    return redis.send(Request.cmd(Command.DEL).arg(key(kind, hash)))
        .compose(r -> redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.BLOCK_INDEX).arg(key(kind, hash))).map(r.toInteger() == 1));
  }

  /**
   * Every current block, from the index (single-key reads, so it also works on Redis Cluster, where
   * a SCAN would see one node only); expired index entries are dropped.
   */
  public Future<JsonArray> list() {
    long now = System.currentTimeMillis() / 1000;
    return redis.send(Request.cmd(Command.ZREMRANGEBYSCORE).arg(RedisKeys.BLOCK_INDEX).arg("-inf").arg(now))
        .compose(x -> redis.send(Request.cmd(Command.ZRANGE).arg(RedisKeys.BLOCK_INDEX).arg(0).arg(-1)))
        .compose(keys -> {
          List<Future<Response>> gets = new ArrayList<>();
          for (Response k : keys) gets.add(redis.send(Request.cmd(Command.GET).arg(k.toString())));
          return Future.all(gets).map(all -> {
            JsonArray out = new JsonArray();
            for (int i = 0; i < all.size(); i++) {
              Response v = all.resultAt(i);
              if (v != null) out.add(new JsonObject(v.toString()));
            }
            return out;
          });
        });
  }
}
