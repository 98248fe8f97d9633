package io.tandem.auth;

import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.Hashing;
import io.tandem.common.Ids;
import io.tandem.common.JwksStore;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.tandem.common.msg.AuthAnswer;
import io.tandem.common.msg.AuthCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Redis;
import java.util.List;

/** The auth API, transport-free: HTTP and the event bus both call {@link #handle}. */
public final class AuthService {
  private final AuthConfig config;
  private final Redis redis;
  private final SigningKey key;
  private final Hashing hashing;
  private final RefreshStore refreshes;
  private final JWTAuth signer;

  public AuthService(Vertx vertx, AuthConfig config, Redis redis, SigningKey key, Hashing hashing) {
    this.config = config;
    this.redis = redis;
    this.key = key;
    this.hashing = hashing;
    this.refreshes = new RefreshStore(redis, config.refreshTtlSeconds());
    this.signer = JWTAuth.create(vertx, new JWTAuthOptions().addJwk(key.privateJwk()));
  }

  /** Answers one call; never fails (failures become error answers through {@link Failures}). */
  public Future<AuthAnswer> handle(AuthCall call) {
    Future<JsonObject> result;
    try {
      result = switch (call.method() + " " + call.path()) {
        case "POST /auth/token" -> token(call.body());
        case "POST /auth/refresh" -> refresh(call.body());
        case "GET /auth/jwks" -> jwks();
        default -> Future.failedFuture(new TandemException(ErrorCode.NOT_FOUND, "No such endpoint: " + call.method() + " " + call.path()));
      };
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.map(body -> new AuthAnswer(200, body, null))
        .recover(err -> {
          TandemException te = Failures.map(err);
          return Future.succeededFuture(new AuthAnswer(te.code().status, new JsonObject().put("error", Failures.body(te)), null));
        });
  }

  /** POST /auth/token. */
  public Future<JsonObject> token(String body) {
    TokenRequest req = TokenRequest.parse(body);
    JsonObject claims = new JsonObject().put("sub", Ids.user()).put("name", req.name()).put("dev", hashing.hash(req.deviceId()));
    return issue(claims);
  }

  /** POST /auth/refresh: spends the refresh token, issues a new pair for the same user. */
  public Future<JsonObject> refresh(String body) {
    JsonObject o = TokenRequest.json(body);
    Object t = o.getValue("refreshToken");
    if (!(t instanceof String token) || token.isEmpty() || token.length() > 256) {
      return Future.failedFuture(TokenRequest.bad("refreshToken is required"));
    }
    return refreshes.consume(token).compose(claims -> claims == null
        ? Future.failedFuture(new TandemException(ErrorCode.UNAUTHORIZED, "Unknown, spent or expired refresh token"))
        : issue(claims));
  }

  /** GET /auth/jwks: every replica's current public key. */
  public Future<JsonObject> jwks() {
    return JwksStore.load(redis).map(keys -> new JsonObject().put("keys", new JsonArray(List.copyOf(keys))));
  }

  private Future<JsonObject> issue(JsonObject claims) {
    JsonObject tokenClaims = new JsonObject().put("name", claims.getString("name")).put("dev", claims.getString("dev"));
    String access = signer.generateToken(tokenClaims, new JWTOptions()
        .setAlgorithm(SigningKey.ALGORITHM)
        .setHeader(new JsonObject().put("kid", key.kid()))
        .setSubject(claims.getString("sub"))
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setExpiresInSeconds(Limits.ACCESS_TOKEN_TTL_SECONDS));
    String refresh = Ids.random("r_", 32);
    JsonObject stored = new JsonObject().put("sub", claims.getString("sub")).put("name", claims.getString("name"))
        .put("dev", claims.getString("dev"));
    return refreshes.save(refresh, stored).map(v -> new JsonObject()
        .put("accessToken", access).put("tokenType", "Bearer")
        .put("expiresIn", Limits.ACCESS_TOKEN_TTL_SECONDS).put("refreshToken", refresh));
  }
}
