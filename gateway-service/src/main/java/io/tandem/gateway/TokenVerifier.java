package io.tandem.gateway;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.JwksStore;
import io.tandem.common.Limits;
import io.tandem.common.RedisKeys;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies access tokens with the public keys auth-service publishes (never a private key).
 * Pinned to ES256; the header's {@code kid} must name a published key (an unknown kid triggers one
 * throttled reload, which is how rotated keys arrive without a restart); issuer, audience and expiry
 * are checked with {@link Limits#TOKEN_LEEWAY_SECONDS} of leeway.
 * <p>
 * A reload merges: a key already known stays until its own published expiry even when Redis no
 * longer lists it (Redis restarted empty), so a store that lost its data never locks valid tokens
 * out. Tokens of a revoked refresh-token family (claim {@code fam}) are refused: revocations arrive
 * on {@link Addresses#AUTH_FAMILY_REVOKED} and with each reload, never with a Redis call per token.
 */
public final class TokenVerifier {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenVerifier.class);
  /** The only accepted algorithm. */
  public static final String ALGORITHM = "ES256";
  /** Least time between two key reloads triggered by unknown kids, ms. */
  public static final long RELOAD_MIN_INTERVAL_MS = 1000;
  /** Longest token accepted, characters. */
  public static final int TOKEN_MAX_CHARS = 4096;

  /** A known key, its verifier and the expiry of its published entry. */
  private record Known(JWTAuth auth, long expiresAtMs) {}

  private final Vertx vertx;
  private final Redis redis;
  private final JWTOptions checks;
  private final Map<String, Known> byKid = new ConcurrentHashMap<>();
  /** Revoked family id → ms until which its tokens are refused. */
  private final Map<String, Long> revokedFamilies = new ConcurrentHashMap<>();
  private volatile long lastReload;
  private Future<Void> reloading;

  public TokenVerifier(Vertx vertx, Redis redis, String issuer, String audience) {
    this.vertx = vertx;
    this.redis = redis;
    this.checks = new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(Limits.TOKEN_LEEWAY_SECONDS);
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_FAMILY_REVOKED, msg -> {
      if (msg.body() != null && msg.body().getValue("family") instanceof String f && msg.body().getValue("until") instanceof Number u) {
        revoke(f, u.longValue());
      }
    });
  }

  /**
   * Loads the published keys and revoked families (call at start; later reloads happen on unknown
   * kids). Keys already known but missing from Redis are kept until their own expiry.
   */
  public Future<Void> reload() {
    lastReload = System.currentTimeMillis();
    Future<Void> families = redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(RedisKeys.REVOKED_FAMILIES)
            .arg(lastReload).arg("+inf").arg("WITHSCORES"))
        .map(r -> {
          if (r != null) {
            for (int i = 0; i + 1 < r.size(); i += 2) revoke(r.get(i).toString(), (long) Double.parseDouble(r.get(i + 1).toString()));
          }
          return null;
        });
    Future<Void> keys = JwksStore.entries(redis).map(entries -> {
      long now = System.currentTimeMillis();
      for (JwksStore.Entry e : entries) {
        JsonObject jwk = e.jwk();
        String kid = jwk.getString("kid");
        if (kid == null || !ALGORITHM.equals(jwk.getString("alg"))) continue;
        Known known = byKid.get(kid);
        JWTAuth auth = known != null ? known.auth() : JWTAuth.create(vertx, new JWTAuthOptions().addJwk(jwk).setJWTOptions(checks));
        byKid.put(kid, new Known(auth, Math.max(e.expiresAtMs(), known == null ? 0 : known.expiresAtMs())));
      }
      int before = byKid.size();
      byKid.values().removeIf(k -> k.expiresAtMs() <= now);
      if (entries.isEmpty() && before > 0) LOG.warn("no verification keys in Redis; keeping the {} still unexpired", byKid.size());
      return null;
    });
    return Future.all(keys, families).mapEmpty();
  }

  private void revoke(String family, long untilMs) {
    long now = System.currentTimeMillis();
    if (untilMs <= now) return;
    revokedFamilies.merge(family, untilMs, Math::max);
    revokedFamilies.values().removeIf(until -> until <= now);
  }

  private boolean revoked(String family) {
    Long until = revokedFamilies.get(family);
    return until != null && until > System.currentTimeMillis();
  }

  /** The identity in a valid token; fails with UNAUTHORIZED otherwise. */
  public Future<Identity> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > TOKEN_MAX_CHARS) return unauthorized("missing token");
    JsonObject header;
    try {
      int dot = token.indexOf('.');
      if (dot <= 0) return unauthorized("malformed token");
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return unauthorized("malformed token");
    }
    if (!ALGORITHM.equals(header.getValue("alg"))) return unauthorized("algorithm not accepted");
    if (!(header.getValue("kid") instanceof String kid)) return unauthorized("token has no key id");
    Known known = byKid.get(kid);
    if (known != null) return check(known.auth(), token);
    return reloadThrottled().compose(v -> {
      Known again = byKid.get(kid);
      return again == null ? unauthorized("unknown key id") : check(again.auth(), token);
    });
  }

  /**
   * One reload for all unknown kids at a time, at most one per {@link #RELOAD_MIN_INTERVAL_MS}: a
   * kid that arrives within the interval waits for the next reload (a key published a moment ago
   * by a just-started auth-service is found, not refused).
   */
  private synchronized Future<Void> reloadThrottled() {
    if (reloading != null && !reloading.isComplete()) return reloading;
    long wait = lastReload + RELOAD_MIN_INTERVAL_MS - System.currentTimeMillis();
    Future<Void> start = wait <= 0 ? Future.succeededFuture() : vertx.timer(wait).mapEmpty();
    reloading = start.compose(v -> reload()).recover(err -> {
      LOG.warn("could not load verification keys: {}", err.toString());
      return Future.succeededFuture();
    });
    return reloading;
  }

  private Future<Identity> check(JWTAuth auth, String token) {
    return auth.authenticate(new TokenCredentials(token))
        .recover(err -> {
          LOG.debug("token refused: {}", err.getMessage());
          return unauthorized("invalid or expired token");
        })
        .compose(user -> {
          JsonObject p = user.attributes().getJsonObject("accessToken", user.principal());
          if (!(p.getValue("sub") instanceof String sub) || sub.isEmpty()
              || !(p.getValue("name") instanceof String name) || !(p.getValue("exp") instanceof Number exp)) {
            return unauthorized("token lacks required claims");
          }
          if (p.getValue("fam") instanceof String fam && revoked(fam)) return unauthorized("sign-in revoked");
          String dev = p.getValue("dev") instanceof String d ? d : "";
          return Future.succeededFuture(new Identity(sub, name, dev, exp.longValue()));
        });
  }

  private static <T> Future<T> unauthorized(String why) {
    LOG.debug("token refused: {}", why);
    return Future.failedFuture(new TandemException(ErrorCode.UNAUTHORIZED, "Unauthorized: " + why));
  }
}
