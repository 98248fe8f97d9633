package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The atomic Redis steps of the call flow (Lua in {@code resources/io/tandem/common/lua}), each
 * prefixed with {@code _prelude.lua}. Run by EVALSHA, falling back to EVAL once per server restart.
 */
public enum RedisScript {
  /** A socket opened (replaces an older socket of the same user). */
  CONNECT("connect"),
  /** A socket closed. */
  DISCONNECT("disconnect"),
  /** end-call. */
  END_CALL("end_call"),
  /** join-queue plus the pairing attempt. */
  JOIN("join"),
  /** leave-queue. */
  LEAVE("leave"),
  /** Backup pairing of waiting users. */
  SWEEP_PAIRS("sweep_pairs"),
  /** Cleanup after a dead gateway node. */
  REAP_NODE("reap_node"),
  /** A gateway node's heartbeat. */
  HEARTBEAT("heartbeat"),
  /** Presence counts. */
  STATS("stats"),
  /** GCRA rate limiter on one key (run with {@link #runOn}). */
  RATE_LIMIT("ratelimit"),
  /** A report, and the automatic block it may trigger (run with {@link #runOn}). */
  REPORT("report"),
  /** A new refresh-token family and its first token (run with {@link #runOn}). */
  REFRESH_ISSUE("refresh_issue"),
  /** Rotation of a refresh token; reuse of a spent one revokes its family (run with {@link #runOn}). */
  REFRESH_ROTATE("refresh_rotate"),
  /** Reads the shared hash secret, restoring this replica's when Redis lost it (run with {@link #runOn}). */
  HASH_SECRET("hash_secret");

  /** Full script text. */
  public final String source;
  /** SHA-1 of the text, for EVALSHA. */
  public final String sha;

  RedisScript(String file) {
    String prelude = load("_prelude")
        .replace("%TAG%", RedisKeys.TAG)
        .replace("%SESSION_TTL%", Integer.toString(Limits.SESSION_TTL_SECONDS))
        .replace("%PAIR_MEMORY_MS%", Integer.toString(Limits.PAIR_MEMORY_MS));
    this.source = prelude + "\n" + load(file);
    this.sha = sha1(source);
  }

  /** Runs the script with KEYS = [queue] (it routes the call to the slot of the shared hash tag). */
  public Future<Response> run(Redis redis, Object... args) {
    return redis.send(request(Command.EVALSHA, sha, args)).recover(err -> {
      String msg = err.getMessage();
      if (msg != null && msg.startsWith("NOSCRIPT")) {
        return redis.send(request(Command.EVAL, source, args));
      }
      return Future.failedFuture(err);
    });
  }

  /**
   * Runs a script that touches its own keys (KEYS = {@code keys}, not the queue): on Redis Cluster
   * they must share one slot (one key, or keys with the same hash tag).
   */
  public Future<Response> runOn(Redis redis, java.util.List<String> keys, Object... args) {
    return redis.send(request(Command.EVALSHA, sha, keys, args)).recover(err -> {
      String msg = err.getMessage();
      if (msg != null && msg.startsWith("NOSCRIPT")) return redis.send(request(Command.EVAL, source, keys, args));
      return Future.failedFuture(err);
    });
  }

  private static Request request(Command cmd, String script, Object[] args) {
    return request(cmd, script, java.util.List.of(RedisKeys.QUEUE), args);
  }

  private static Request request(Command cmd, String script, java.util.List<String> keys, Object[] args) {
    Request r = Request.cmd(cmd).arg(script).arg(keys.size());
    for (String k : keys) r.arg(k);
    for (Object a : args) r.arg(String.valueOf(a));
    return r;
  }

  private static String load(String name) {
    String path = "/io/tandem/common/lua/" + name + ".lua";
    try (InputStream in = RedisScript.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing script " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
