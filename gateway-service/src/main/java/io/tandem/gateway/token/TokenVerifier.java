package io.tandem.gateway.token;

import io.tandem.gateway.OnCaller;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Languages;
import io.tandem.common.JwksStore;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.redis.client.Redis;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Verifies access tokens with the public keys auth-service publishes (never a private key).
 * Pinned to RS256 (auth-service's algorithm) and, for tokens of an older release still valid during
 * a rolling upgrade, ES256: the header's {@code alg} must be one of {@link #ALGORITHMS} and equal to
 * the algorithm of the published key its {@code kid} names (no "none", no HMAC, no confusion
 * between keys); the header's {@code kid} must name a published key (an unknown kid triggers one
 * throttled reload, which is how rotated keys arrive without a restart); issuer, audience and expiry
 * are checked with {@link Limits#TOKEN_LEEWAY_SECONDS} of leeway.
 * <p>
 * A reload merges: a key already known stays until its own published expiry even when Redis no
 * longer lists it (Redis restarted empty), so a store that lost its data never locks valid tokens
 * out. Tokens of a revoked refresh-token family (claim {@code fam}) are refused: revocations arrive
 * on {@link Addresses#AUTH_FAMILY_REVOKED} and with each reload, never with a Redis call per token.
 * <p>
 * Cost: an RS256 check takes ~60 µs of CPU on Java 17, a P-256 one ~1.2–2 ms (docs/scaling.md); either runs
 * on a worker pool ({@link #VERIFY_THREADS}), never on the event loop, each thread with its own
 * verifier per key (Vert.x's verifier serializes callers on one {@code Signature}). A token verified
 * once is remembered until it expires ({@link VerifiedTokens}), so a reconnect with the same token
 * skips the signature check; key id and revoked families are still checked on every use.
 */
public final class TokenVerifier {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TokenVerifier.class);
  /** The algorithm auth-service signs with. */
  public static final String ALGORITHM = "RS256";
  /** The accepted algorithms: RS256, and ES256 (tokens of releases before RS256, during a rolling upgrade). */
  public static final java.util.Set<String> ALGORITHMS = java.util.Set.of(ALGORITHM, "ES256");
  /** Least time between two key reloads triggered by unknown kids, ms. */
  public static final long RELOAD_MIN_INTERVAL_MS = 1000;
  /** Longest token accepted, characters. */
  public static final int TOKEN_MAX_CHARS = 4096;

  /**
   * Threads verifying signatures: one per core but one, so a burst of handshakes never takes the
   * event loop's core (with one per core, a 14,000-socket burst on 2 cores starved the loop until
   * store calls timed out: bench run 20261129-105353-floors).
   */
  public static final int VERIFY_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  /** Longest wait for one signature check on a worker thread, s (it never does I/O). */
  static final long VERIFY_WAIT_SECONDS = 5;
  /** Name of that worker pool. */
  public static final String VERIFY_POOL = "tandem-token-verify";

  /** A known key (its public JWK) and the expiry of its published entry. */
  private record Known(JsonObject jwk, long expiresAtMs) {}

  /** A token whose signature or standard claims were refused (not an error of the verifier). */
  private static final class Refused extends Exception {
    Refused(String why) {
      super(why, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Redis redis;
  private final JWTOptions checks;
  private final Map<String, Known> byKid = new ConcurrentHashMap<>();
  private final RevokedFamilies revoked = new RevokedFamilies();
  private volatile long lastReload;
  private Future<Void> reloading;
  private final VerifiedTokens verified = new VerifiedTokens();
  private final WorkerExecutor verifyPool;
  /** Per verifying thread: a verifier per key id. */
  private final ThreadLocal<Map<String, JWTAuth>> perThread = ThreadLocal.withInitial(java.util.HashMap::new);

  public TokenVerifier(Vertx vertx, Redis redis, String issuer, String audience) {
    this.vertx = vertx;
    this.redis = redis;
    this.checks = new JWTOptions().setIssuer(issuer).setAudience(List.of(audience)).setLeeway(Limits.TOKEN_LEEWAY_SECONDS);
    this.verifyPool = vertx.createSharedWorkerExecutor(VERIFY_POOL, VERIFY_THREADS);
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_FAMILY_REVOKED, msg -> {
      if (msg.body() != null && msg.body().getValue("family") instanceof String f && msg.body().getValue("until") instanceof Number u) {
        revoked.revoke(f, u.longValue());
      }
    });
  }

  /**
   * Loads the published keys and revoked families (call at start; later reloads happen on unknown
   * kids). Keys already known but missing from Redis are kept until their own expiry.
   */
  public Future<Void> reload() {
    lastReload = System.currentTimeMillis();
    Future<Void> families = revoked.load(redis, lastReload);
    Future<Void> keys = JwksStore.entries(redis).map(entries -> {
      long now = System.currentTimeMillis();
      for (JwksStore.Entry e : entries) {
        JsonObject jwk = e.jwk();
        String kid = jwk.getString("kid");
        if (kid == null || !ALGORITHMS.contains(jwk.getString("alg"))) continue;
        Known known = byKid.get(kid);
        byKid.put(kid, new Known(known != null ? known.jwk() : jwk.copy(), Math.max(e.expiresAtMs(), known == null ? 0 : known.expiresAtMs())));
      }
      int before = byKid.size();
      byKid.values().removeIf(k -> k.expiresAtMs() <= now);
      if (entries.isEmpty() && before > 0) LOG.warn("no verification keys in Redis; keeping the {} still unexpired", byKid.size());
      return null;
    });
    return Future.all(keys, families).mapEmpty();
  }

  /**
   * The {@code dev} claim as the token states it, NOT verified ("" when absent or unreadable): lets
   * a handshake ask for the device's block key while the token is still being checked. Only a
   * verified identity's device decides anything.
   */
  public static String claimedDevice(String token) {
    if (token == null || token.length() > TOKEN_MAX_CHARS) return "";
    int first = token.indexOf('.');
    int second = first < 0 ? -1 : token.indexOf('.', first + 1);
    if (second < 0) return "";
    try {
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(first + 1, second)), StandardCharsets.UTF_8));
      return claims.getValue("dev") instanceof String d ? d : "";
    } catch (RuntimeException e) {
      return "";
    }
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
    if (!(header.getValue("alg") instanceof String alg) || !ALGORITHMS.contains(alg)) return unauthorized("algorithm not accepted");
    if (!(header.getValue("kid") instanceof String kid)) return unauthorized("token has no key id");
    Known known = byKid.get(kid);
    if (known != null) return check(kid, alg, known, token);
    // the reload is shared by every loop's handshakes: each continues on its own context
    return OnCaller.view(reloadThrottled()).compose(v -> {
      Known again = byKid.get(kid);
      return again == null ? unauthorized("unknown key id") : check(kid, alg, again, token);
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

  /** A remembered token, or the signature and claims checked on the worker pool (then remembered). */
  private Future<Identity> check(String kid, String alg, Known known, String token) {
    if (!alg.equals(known.jwk().getString("alg"))) return unauthorized("algorithm does not match the key");
    long now = System.currentTimeMillis() / 1000;
    VerifiedTokens.Entry hit = verified.get(token, now);
    if (hit != null && hit.kid().equals(kid)) return admit(hit);
    return verifyPool.executeBlocking(() -> verifySignature(kid, known, token), false)
        .recover(err -> {
          LOG.debug("token refused: {}", err.getMessage());
          return err instanceof Refused r ? unauthorized(r.getMessage()) : unauthorized("invalid or expired token");
        })
        .compose(p -> {
          if (!(p.getValue("sub") instanceof String sub) || sub.isEmpty()
              || !(p.getValue("name") instanceof String name) || !(p.getValue("exp") instanceof Number exp)) {
            return unauthorized("token lacks required claims");
          }
          String dev = p.getValue("dev") instanceof String d ? d : "";
          String fam = p.getValue("fam") instanceof String f ? f : null;
          List<String> langs = p.getValue("langs") instanceof String l ? Languages.split(l) : List.of();
          VerifiedTokens.Entry entry = new VerifiedTokens.Entry(new Identity(sub, name, dev, exp.longValue(), langs), kid, fam, exp.longValue());
          verified.put(token, entry, System.currentTimeMillis() / 1000);
          return admit(entry);
        });
  }

  /** On a worker thread: the token's claims when its signature, issuer, audience and times check out. */
  private JsonObject verifySignature(String kid, Known known, String token) throws Exception {
    Map<String, JWTAuth> mine = perThread.get();
    if (mine.size() > byKid.size() + 4) mine.keySet().retainAll(byKid.keySet());
    JWTAuth auth = mine.computeIfAbsent(kid, k -> JWTAuth.create(vertx, new JWTAuthOptions().addJwk(known.jwk()).setJWTOptions(checks)));
    // Vert.x's JWT check completes before returning (no I/O); the bounded wait is only a guard
    User user;
    try {
      user = auth.authenticate(new TokenCredentials(token)).toCompletionStage().toCompletableFuture().get(VERIFY_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new Refused("invalid or expired token");
    }
    return user.attributes().getJsonObject("accessToken", user.principal());
  }

  private Future<Identity> admit(VerifiedTokens.Entry e) {
    if (e.family() != null && revoked.revoked(e.family())) return unauthorized("sign-in revoked");
    return Future.succeededFuture(e.identity());
  }

  private static <T> Future<T> unauthorized(String why) {
    LOG.debug("token refused: {}", why);
    return Future.failedFuture(new TandemException(ErrorCode.UNAUTHORIZED, "Unauthorized: " + why));
  }
}
