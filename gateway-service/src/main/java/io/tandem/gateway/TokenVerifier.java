package io.tandem.gateway;

import io.tandem.common.ErrorCode;
import io.tandem.common.JwksStore;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Redis;
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
 */
public final class TokenVerifier {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenVerifier.class);
  /** The only accepted algorithm. */
  public static final String ALGORITHM = "ES256";
  /** Least time between two key reloads triggered by unknown kids, ms. */
  public static final long RELOAD_MIN_INTERVAL_MS = 1000;
  /** Longest token accepted, characters. */
  public static final int TOKEN_MAX_CHARS = 4096;

  private final Vertx vertx;
  private final Redis redis;
  private final JWTOptions checks;
  private final Map<String, JWTAuth> byKid = new ConcurrentHashMap<>();
  private volatile long lastReload;
  private Future<Void> reloading;

  public TokenVerifier(Vertx vertx, Redis redis, String issuer, String audience) {
    this.vertx = vertx;
    this.redis = redis;
    this.checks = new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(Limits.TOKEN_LEEWAY_SECONDS);
  }

  /** Loads the published keys (call at start; later reloads happen on unknown kids). */
  public Future<Void> reload() {
    lastReload = System.currentTimeMillis();
    return JwksStore.load(redis).map(keys -> {
      for (JsonObject jwk : keys) {
        String kid = jwk.getString("kid");
        if (kid != null && ALGORITHM.equals(jwk.getString("alg")) && !byKid.containsKey(kid)) {
          byKid.put(kid, JWTAuth.create(vertx, new JWTAuthOptions().addJwk(jwk).setJWTOptions(checks)));
        }
      }
      byKid.keySet().retainAll(keys.stream().map(k -> k.getString("kid")).toList());
      return null;
    });
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
    JWTAuth auth = byKid.get(kid);
    if (auth != null) return check(auth, token);
    return reloadThrottled().compose(v -> {
      JWTAuth again = byKid.get(kid);
      return again == null ? unauthorized("unknown key id") : check(again, token);
    });
  }

  private synchronized Future<Void> reloadThrottled() {
    if (reloading != null && !reloading.isComplete()) return reloading;
    if (System.currentTimeMillis() - lastReload < RELOAD_MIN_INTERVAL_MS) return Future.succeededFuture();
    reloading = reload().recover(err -> {
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
          String dev = p.getValue("dev") instanceof String d ? d : "";
          return Future.succeededFuture(new Identity(sub, name, dev, exp.longValue()));
        });
  }

  private static <T> Future<T> unauthorized(String why) {
    LOG.debug("token refused: {}", why);
    return Future.failedFuture(new TandemException(ErrorCode.UNAUTHORIZED, "Unauthorized: " + why));
  }
}
