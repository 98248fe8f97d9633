package io.tandem.auth;

import io.tandem.common.Addresses;
import io.tandem.common.Blocklist;
import io.tandem.common.ErrorCode;
import io.tandem.common.Hashing;
import io.tandem.common.HttpReplies;
import io.tandem.common.PowSchedule;
import io.tandem.common.RedisKeys;
import io.tandem.common.SafetyConfig;
import io.tandem.common.TandemException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API on auth-service's own port (never on the public web origin), guarded by
 * {@code ADMIN_TOKEN} compared in constant time. Off (404) when no admin token is configured.
 * <ul>
 *   <li>{@code GET /admin/blocks}: current blocks</li>
 *   <li>{@code POST /admin/blocks} {@code {"kind": "device"|"ip", "deviceId"|"deviceHash"|"ip"|"ipHash", "reason", "ttlSeconds"}}</li>
 *   <li>{@code DELETE /admin/blocks/<kind>/<hash>}</li>
 *   <li>{@code GET /admin/reports}: recent reports (no reporter identity)</li>
 *   <li>{@code GET /admin/pow}: the proof-of-work settings in force; {@code PUT /admin/pow} {@code {"baseDifficulty", "ttlSeconds"}}
 *       sets the base difficulty for every auth replica (within a second, no restart); {@code DELETE /admin/pow} goes back to
 *       {@code TOKEN_POW_DIFFICULTY}</li>
 * </ul>
 */
public final class AdminApi {
  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  /** Reports listed by GET /admin/reports. */
  public static final int REPORTS_LISTED = 200;
  /** Longest reason kept with a block. */
  public static final int REASON_MAX = 200;

  private AdminApi() {}

  /** Mounts the routes (after a BodyHandler on /admin/*). */
  public static void mount(Router router, Vertx vertx, AuthConfig config, SafetyConfig safety, Redis redis, Hashing hashing, PowGuard pow) {
    Blocklist blocks = new Blocklist(redis);
    router.route("/admin/*").handler(ctx -> {
      if (config.adminToken() == null) {
        HttpReplies.error(ctx.response(), new TandemException(ErrorCode.NOT_FOUND, "The admin API is off (set ADMIN_TOKEN)"));
      } else if (!authorized(ctx, config.adminToken())) {
        LOG.warn("admin call refused: bad or missing admin token");
        HttpReplies.error(ctx.response(), new TandemException(ErrorCode.UNAUTHORIZED));
      } else {
        ctx.next();
      }
    });
    router.get("/admin/blocks").handler(ctx -> blocks.list()
        .onSuccess(list -> HttpReplies.json(ctx.response(), 200, new JsonObject().put("blocks", list)))
        .onFailure(err -> HttpReplies.error(ctx.response(), err)));
    router.post("/admin/blocks").handler(ctx -> {
      JsonObject b;
      Blocklist.Kind kind;
      String hash;
      String reason;
      int ttl;
      try {
        b = ctx.body().asJsonObject();
        if (b == null) throw bad("body must be a JSON object");
        kind = kind(b.getValue("kind"));
        hash = hash(kind, b, hashing);
        reason = b.getValue("reason") instanceof String r && !r.isBlank() && r.length() <= REASON_MAX ? r : null;
        if (reason == null) throw bad("reason is required (1-" + REASON_MAX + " characters)");
        Object t = b.getValue("ttlSeconds");
        ttl = t == null ? safety.blockTtlSeconds() : t instanceof Integer i && i > 0 && i <= 365 * 24 * 3600 ? i : -1;
        if (ttl < 0) throw bad("ttlSeconds must be a whole number of seconds up to one year");
      } catch (RuntimeException e) {
        HttpReplies.error(ctx.response(), e instanceof TandemException ? e : bad("body must be a JSON object"));
        return;
      }
      blocks.add(kind, hash, reason, "admin", ttl).onSuccess(entry -> {
        vertx.eventBus().publish(Addresses.SAFETY_BLOCKED, new JsonObject().put(kind == Blocklist.Kind.DEVICE ? "device" : "ip", hash));
        LOG.info("block added kind={} hash={} ttl={}s", kind, hash, ttl);
        HttpReplies.json(ctx.response(), 201, entry);
      }).onFailure(err -> HttpReplies.error(ctx.response(), err));
    });
    router.delete("/admin/blocks/:kind/:hash").handler(ctx -> {
      Blocklist.Kind kind;
      try {
        kind = kind(ctx.pathParam("kind"));
      } catch (TandemException e) {
        HttpReplies.error(ctx.response(), e);
        return;
      }
      blocks.remove(kind, ctx.pathParam("hash")).onSuccess(removed -> {
        if (removed) {
          LOG.info("block removed kind={} hash={}", kind, ctx.pathParam("hash"));
          HttpReplies.json(ctx.response(), 200, new JsonObject().put("removed", true));
        } else {
          HttpReplies.error(ctx.response(), new TandemException(ErrorCode.NOT_FOUND, "No such block"));
        }
      }).onFailure(err -> HttpReplies.error(ctx.response(), err));
    });
    router.get("/admin/reports").handler(ctx -> redis.send(Request.cmd(Command.LRANGE).arg(RedisKeys.REPORTS).arg(0).arg(REPORTS_LISTED - 1))
        .onSuccess(r -> {
          JsonArray out = new JsonArray();
          r.forEach(v -> out.add(new JsonObject(v.toString())));
          HttpReplies.json(ctx.response(), 200, new JsonObject().put("reports", out));
        })
        .onFailure(err -> HttpReplies.error(ctx.response(), err)));
    mountPow(router, pow);
  }

  private static void mountPow(Router router, PowGuard pow) {
    router.get("/admin/pow").handler(ctx -> HttpReplies.json(ctx.response(), 200, pow.status()));
    router.put("/admin/pow").handler(ctx -> {
      int base;
      int ttl;
      try {
        JsonObject b = ctx.body().asJsonObject();
        if (b == null) throw bad("body must be a JSON object");
        base = b.getValue("baseDifficulty") instanceof Integer i && i >= PowSchedule.MIN_BASE && i <= PowSchedule.MAX_BASE ? i : -1;
        if (base < 0) throw bad("baseDifficulty must be a whole number of bits from " + PowSchedule.MIN_BASE + " to " + PowSchedule.MAX_BASE);
        Object t = b.getValue("ttlSeconds");
        ttl = t == null ? 0 : t instanceof Integer i && i >= 0 && i <= 30 * 24 * 3600 ? i : -1;
        if (ttl < 0) throw bad("ttlSeconds must be a whole number of seconds up to 30 days (0 or absent: until removed)");
      } catch (RuntimeException e) {
        HttpReplies.error(ctx.response(), e instanceof TandemException ? e : bad("body must be a JSON object"));
        return;
      }
      pow.setOverride(base, ttl).onSuccess(status -> {
        LOG.info("proof-of-work base difficulty set to {} by an operator ttl={}s", base, ttl);
        HttpReplies.json(ctx.response(), 200, status);
      }).onFailure(err -> HttpReplies.error(ctx.response(), err));
    });
    router.delete("/admin/pow").handler(ctx -> pow.clearOverride()
        .onSuccess(status -> HttpReplies.json(ctx.response(), 200, status))
        .onFailure(err -> HttpReplies.error(ctx.response(), err)));
  }

  private static boolean authorized(RoutingContext ctx, String adminToken) {
    String h = ctx.request().getHeader("Authorization");
    String given = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : "";
    return MessageDigest.isEqual(sha256(given), sha256(adminToken));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Blocklist.Kind kind(Object v) {
    if (v instanceof String s) {
      switch (s.toLowerCase(Locale.ROOT)) {
        case "device":
          return Blocklist.Kind.DEVICE;
        case "ip":
          return Blocklist.Kind.IP;
        default:
          break;
      }
    }
    throw bad("kind must be \"device\" or \"ip\"");
  }

  private static String hash(Blocklist.Kind kind, JsonObject b, Hashing hashing) {
    String raw = kind == Blocklist.Kind.DEVICE ? "deviceId" : "ip";
    String hashed = kind == Blocklist.Kind.DEVICE ? "deviceHash" : "ipHash";
    if (b.getValue(raw) instanceof String r && !r.isBlank()) {
      return hashing.hash(kind == Blocklist.Kind.DEVICE ? r.trim() : io.tandem.common.ClientAddress.network(r));
    }
    if (b.getValue(hashed) instanceof String h && h.matches("[A-Za-z0-9_-]{8,64}")) return h;
    throw bad("give " + raw + " or " + hashed);
  }

  private static TandemException bad(String message) {
    return new TandemException(ErrorCode.BAD_REQUEST, message);
  }
}
