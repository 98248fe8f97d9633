package io.tandem.auth;

import io.tandem.common.Blocklist;
import io.tandem.common.ErrorCode;
import io.tandem.common.Languages;
import io.tandem.common.Failures;
import io.tandem.common.Hashing;
import io.tandem.common.Ids;
import io.tandem.common.JwksStore;
import io.tandem.common.RateLimiter;
import io.tandem.common.SafetyConfig;
import io.tandem.common.TandemException;
import io.tandem.common.msg.AuthAnswer;
import io.tandem.common.msg.AuthCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.redis.client.Redis;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth API, transport-free: HTTP and the event bus both call {@link #handle}. Every call is rate
 * limited per network (keyed IP hash); token issue also per device; blocked devices and networks get
 * 403 {@code blocked} at issue and refresh. Issue needs a solved proof-of-work challenge
 * ({@code GET /auth/challenge}, {@link PowGuard}); refresh does not. Refresh tokens rotate in families ({@link RefreshStore}):
 * reuse of a spent one revokes its family, and gateways refuse that family's access tokens.
 */
public final class AuthService {
  private static final Logger LOG = LoggerFactory.getLogger(AuthService.class);
  private final AuthConfig config;
  private final Redis redis;
  private final KeyRing keys;
  private final Hashing hashing;
  private final RefreshStore refreshes;
  private final FamilyRevocations revocations;
  private final Blocklist blocks;
  private final RateLimiter perNetwork;
  private final RateLimiter perDevice;
  private final PowGuard pow;

  public AuthService(Vertx vertx, AuthConfig config, SafetyConfig safety, Redis redis, KeyRing keys, Hashing hashing, PowGuard pow) {
    this.config = config;
    this.redis = redis;
    this.keys = keys;
    this.hashing = hashing;
    this.refreshes = new RefreshStore(redis, config.refreshTtlSeconds());
    this.revocations = new FamilyRevocations(vertx, redis, config.accessTtlSeconds());
    this.blocks = new Blocklist(redis);
    this.perNetwork = safety.httpLimiter(redis, "http:ip");
    this.perDevice = safety.httpLimiter(redis, "http:device");
    this.pow = pow;
  }

  public Hashing hashing() {
    return hashing;
  }

  /** The proof-of-work gate (the admin API sets its base difficulty). */
  public PowGuard pow() {
    return pow;
  }

  /** Answers one call; never fails (failures become error answers through {@link Failures}). */
  public Future<AuthAnswer> handle(AuthCall call) {
    Future<JsonObject> result;
    try {
      Future<Void> allowed = call.ipHash() == null ? Future.succeededFuture() : perNetwork.check(call.ipHash());
      result = allowed.compose(v -> switch (call.method() + " " + call.path()) {
        case "GET /auth/challenge" -> pow.challenge(call.ipHash());
        case "POST /auth/token" -> token(call.body(), call.ipHash());
        case "POST /auth/refresh" -> refresh(call.body(), call.ipHash());
        case "GET /auth/jwks" -> jwks();
        default -> Future.failedFuture(new TandemException(ErrorCode.NOT_FOUND, "No such endpoint: " + call.method() + " " + call.path()));
      });
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.map(body -> new AuthAnswer(200, body, null))
        .recover(err -> {
          TandemException te = Failures.map(err);
          return Future.succeededFuture(new AuthAnswer(te.code().status, new JsonObject().put("error", Failures.body(te)), te.retryAfterSeconds()));
        });
  }

  /** POST /auth/token: the body is checked first, then its proof of work ({@link PowGuard}), then the device's limit and blocks. */
  public Future<JsonObject> token(String body, String ipHash) {
    TokenRequest req = TokenRequest.parse(body);
    return pow.check(req.pow(), ipHash).compose(v -> admit(req, ipHash));
  }

  private Future<JsonObject> admit(TokenRequest req, String ipHash) {
    String dev = hashing.hash(req.deviceId());
    // The device's rate limit and the block keys (a read) are asked at once, one round trip; they
    // still decide in order: a refused rate limit answers 429 even for a blocked device.
    Future<Void> limit = perDevice.check(dev);
    Future<Void> blocked = blocks.check(dev, ipHash);
    return Future.join(limit, blocked)
        .transform(x -> limit)
        .compose(v -> blocked)
        .compose(v -> issue(new JsonObject().put("sub", Ids.user()).put("name", req.name()).put("dev", dev)
            .put("langs", Languages.join(req.languages()))));
  }

  /**
   * POST /auth/refresh: spends the refresh token and issues a new pair for the same user and family;
   * a spent token revokes its family (401 now and for the family's current token).
   */
  public Future<JsonObject> refresh(String body, String ipHash) {
    JsonObject o = TokenRequest.json(body);
    Object t = o.getValue("refreshToken");
    if (!(t instanceof String token) || token.isEmpty() || token.length() > 256) {
      return Future.failedFuture(TokenRequest.bad("refreshToken is required"));
    }
    return refreshes.rotate(token).compose(r -> switch (r.outcome()) {
      case ROTATED -> blocks.check(r.claims().getString("dev"), ipHash).map(v -> pair(r.claims(), r.family(), r.next()));
      case REUSED -> {
        LOG.warn("refresh token reused: sign-in revoked user={}", r.claims().getString("sub"));
        yield revocations.revoke(r.family())
            .otherwise(err -> {
              LOG.warn("could not record a revoked sign-in: {}", err.toString());
              return null;
            })
            .compose(v -> unauthorized("Refresh token already used: this sign-in was revoked, sign in again"));
      }
      case REVOKED -> unauthorized("This sign-in was revoked, sign in again");
      case UNKNOWN -> unauthorized("Unknown, spent or expired refresh token");
    });
  }

  private static <T> Future<T> unauthorized(String message) {
    return Future.failedFuture(new TandemException(ErrorCode.UNAUTHORIZED, message));
  }

  /** GET /auth/jwks: every replica's current public keys. */
  public Future<JsonObject> jwks() {
    return JwksStore.load(redis).map(list -> new JsonObject().put("keys", new JsonArray(List.copyOf(list))));
  }

  /** A new sign-in: starts a refresh-token family and issues the first pair. */
  private Future<JsonObject> issue(JsonObject claims) {
    return refreshes.start(claims).map(started -> pair(claims, started.family(), started.token()));
  }

  /** An access token (claims sub, name, dev, langs when stated, and the family {@code fam}) with its refresh token. */
  private JsonObject pair(JsonObject claims, String family, String refresh) {
    SigningKey key = keys.current();
    JsonObject tokenClaims = new JsonObject().put("name", claims.getString("name")).put("dev", claims.getString("dev"))
        .put("fam", family);
    String langs = claims.getString("langs", "");
    if (!langs.isEmpty()) tokenClaims.put("langs", langs);
    String access = keys.signer().generateToken(tokenClaims, new JWTOptions()
        .setAlgorithm(SigningKey.ALGORITHM)
        .setHeader(new JsonObject().put("kid", key.kid()))
        .setSubject(claims.getString("sub"))
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setExpiresInSeconds(config.accessTtlSeconds()));
    return new JsonObject()
        .put("accessToken", access).put("tokenType", "Bearer")
        .put("expiresIn", config.accessTtlSeconds()).put("refreshToken", refresh);
  }
}
