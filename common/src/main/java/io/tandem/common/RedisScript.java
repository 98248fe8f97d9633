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
import java.util.Map;

/**
 * The atomic Redis steps of the call flow (Lua in {@code resources/io/tandem/common/lua}), each
 * prefixed with {@code _prelude.lua}. Run by EVALSHA, falling back to EVAL once per server restart.
 */
public enum RedisScript {
  /** A socket opened (replaces an older socket of the same user). */
  CONNECT("connect"),
  /** A socket closed. */
  DISCONNECT("disconnect"),
  /** A socket lost without meaning to: its live call waits in the grace window. */
  SUSPEND("suspend"),
  /** resume: a new socket takes its call back. */
  RESUME("resume"),
  /** Ends calls whose grace window passed without a resume. */
  EXPIRE_GRACE("expire_grace"),
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
  /** A delivered match is confirmed (no longer pending). */
  CONFIRM("confirm"),
  /** Undo of a match that could not be delivered. */
  ABORT("abort"),
  /** Undo of matches left unconfirmed (their matchmaker died or lost its replies). */
  EXPIRE_PENDING("expire_pending"),
  /** A gateway gave up on a join: leave the queue, undo a session the socket never heard of. */
  ABANDON("abandon"),
  /** Presence counts. */
  STATS("stats"),
  /** GCRA rate limiter on one key (run with {@link #runOn}). */
  RATE_LIMIT("ratelimit"),
  /** A report, and the automatic block it may trigger (run with {@link #runOn}). */
  REPORT("report"),
  /** The capped list of recent reports (run with {@link #runOn} on {@link RedisKeys#REPORTS}). */
  REPORT_LOG("report_log"),
  /** A new refresh-token family and its first token (run with {@link #runOn}). */
  REFRESH_ISSUE("refresh_issue"),
  /** Rotation of a refresh token; reuse of a spent one revokes its family (run with {@link #runOn}). */
  REFRESH_ROTATE("refresh_rotate"),
  /** Reads the shared hash secret, restoring this replica's when Redis lost it (run with {@link #runOn}). */
  HASH_SECRET("hash_secret"),
  /** A network's fading proof-of-work level, read or raised by one token (run with {@link #runOn}). */
  POW_LEVEL("pow_level");

  /** Full script text. */
  public final String source;
  /** SHA-1 of the text, for EVALSHA. */
  public final String sha;

  RedisScript(String file) {
    this.source = substitute(load("_prelude") + "\n" + load(file));
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

  /** Fills the {@code %NAME%} placeholders from {@link RedisKeys#SCRIPT_NAMES} and the limits; fails on an unknown one. */
  static String substitute(String text) {
    Map<String, String> values = new java.util.HashMap<>(RedisKeys.SCRIPT_NAMES);
    values.put("SESSION_TTL", Integer.toString(Limits.SESSION_TTL_SECONDS));
    values.put("PAIR_MEMORY_MS", Integer.toString(Limits.PAIR_MEMORY_MS));
    java.util.regex.Matcher m = Holder.PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = values.get(m.group(1));
      if (v == null) throw new IllegalStateException("script placeholder %" + m.group(1) + "% is not declared in RedisKeys");
      m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A {@code %NAME%} placeholder in a script (in a holder: enum constants initialize before static fields). */
  static final java.util.regex.Pattern PLACEHOLDER = Holder.PLACEHOLDER;

  private static final class Holder {
    static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("%([A-Z_]+)%");
  }

  /** The raw text of a script file (placeholders not filled), for tests. */
  static String raw(String name) {
    return load(name);
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
