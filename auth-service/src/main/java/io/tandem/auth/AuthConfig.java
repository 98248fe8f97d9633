package io.tandem.auth;

import io.tandem.common.Env;
import io.tandem.common.Hashing;
import io.tandem.common.Limits;

/**
 * auth-service settings (README, "Configuration").
 *
 * @param port HTTP port of the auth API ({@code AUTH_PORT}, 0 = do not listen, bus only)
 * @param issuer {@code iss} of access tokens ({@code JWT_ISSUER})
 * @param audience {@code aud} of access tokens ({@code JWT_AUDIENCE})
 * @param privateKeyPath PKCS#8 PEM of the RSA (≥ 2048 bits) signing key ({@code JWT_PRIVATE_KEY_PATH}); unset = generate one
 * @param publicKeyPath X.509 PEM of its public key ({@code JWT_PUBLIC_KEY_PATH}), required with the private key
 * @param keyId {@code kid} of the configured key ({@code JWT_KEY_ID}); default its RFC 7638 thumbprint
 * @param refreshTtlSeconds refresh-token lifetime ({@code REFRESH_TOKEN_TTL_SECONDS})
 * @param hashSecret key of the keyed hash applied to device ids and IPs ({@code HASH_SECRET}); unset = one shared via Redis, required when {@code TANDEM_ENV=production}
 * @param accessTtlSeconds access-token lifetime ({@code ACCESS_TOKEN_TTL_SECONDS}, design: 300)
 * @param adminToken bearer token of the admin API ({@code ADMIN_TOKEN}); unset = admin API off
 * @param keyReloadMs how often configured key files are checked for rotation ({@code KEY_RELOAD_INTERVAL_MS})
 */
public record AuthConfig(int port, String issuer, String audience, String privateKeyPath, String publicKeyPath,
                         String keyId, int refreshTtlSeconds, String hashSecret, int accessTtlSeconds, String adminToken,
                         int keyReloadMs) {
  /** Shortest admin token accepted (a guessable one is refused at start). */
  public static final int ADMIN_TOKEN_MIN_CHARS = 24;
  /** Default HTTP port of auth-service when it runs alone. */
  public static final int DEFAULT_PORT = 8081;
  /** Default token issuer. */
  public static final String DEFAULT_ISSUER = "tandem-auth";
  /** Default token audience. */
  public static final String DEFAULT_AUDIENCE = "tandem";

  public static AuthConfig from(Env env) {
    String priv = env.raw("JWT_PRIVATE_KEY_PATH");
    String pub = env.raw("JWT_PUBLIC_KEY_PATH");
    if ((priv == null) != (pub == null)) {
      throw new IllegalArgumentException("JWT_PRIVATE_KEY_PATH and JWT_PUBLIC_KEY_PATH must be set together");
    }
    return new AuthConfig(
        env.integer("AUTH_PORT", DEFAULT_PORT, 0, 65535),
        env.str("JWT_ISSUER", DEFAULT_ISSUER),
        env.str("JWT_AUDIENCE", DEFAULT_AUDIENCE),
        priv, pub, env.raw("JWT_KEY_ID"),
        env.integer("REFRESH_TOKEN_TTL_SECONDS", Limits.REFRESH_TOKEN_TTL_SECONDS, 60, 90 * 24 * 3600),
        Hashing.configured(env.raw("HASH_SECRET"), env.raw("TANDEM_ENV")),
        env.integer("ACCESS_TOKEN_TTL_SECONDS", Limits.ACCESS_TOKEN_TTL_SECONDS, 5, 3600),
        adminToken(env.raw("ADMIN_TOKEN")),
        env.integer("KEY_RELOAD_INTERVAL_MS", 30_000, 100, 3_600_000));
  }

  private static String adminToken(String t) {
    if (t != null && t.length() < ADMIN_TOKEN_MIN_CHARS) {
      throw new IllegalArgumentException("ADMIN_TOKEN must be at least " + ADMIN_TOKEN_MIN_CHARS + " characters");
    }
    return t;
  }
}
