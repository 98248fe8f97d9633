package io.tandem.auth;

import io.tandem.common.Env;
import io.tandem.common.Hashing;
import io.tandem.common.PowSchedule;
import java.util.Locale;

/**
 * Proof-of-work settings of {@code POST /auth/token} (docs/safety.md, "Proof of work").
 *
 * @param enabled whether a token needs a solved challenge ({@code TOKEN_POW}: {@code on}, the default, or
 *     {@code off} for load generators and scripted local tests; {@code off} is refused with {@code TANDEM_ENV=production})
 * @param baseDifficulty leading zero bits a network's first tokens need ({@code TOKEN_POW_DIFFICULTY}); an
 *     operator replaces it at run time through {@code PUT /admin/pow}
 * @param secret key that signs challenges ({@code POW_SECRET}); unset = one shared by the auth replicas
 *     through Redis (as {@code HASH_SECRET}), required when {@code TANDEM_ENV=production}
 */
public record PowConfig(boolean enabled, int baseDifficulty, String secret) {
  /** The setting that signs challenges (read by its literal name: the deploy checks derive the reads from the code). */
  public static final String SECRET_SETTING = "POW_SECRET";

  public static PowConfig from(Env env) {
    String tandemEnv = env.raw("TANDEM_ENV");
    boolean enabled = onOff(env.str("TOKEN_POW", "on"));
    if (!enabled && Hashing.production(tandemEnv)) {
      throw new IllegalArgumentException("TOKEN_POW=off is refused when TANDEM_ENV=production (it is for load tests only)");
    }
    return new PowConfig(enabled,
        env.integer("TOKEN_POW_DIFFICULTY", PowSchedule.BASE_DIFFICULTY, PowSchedule.MIN_BASE, PowSchedule.MAX_BASE),
        Hashing.configured(SECRET_SETTING, env.raw("POW_SECRET"), tandemEnv));
  }

  private static boolean onOff(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "on", "true", "1", "yes" -> true;
      case "off", "false", "0", "no" -> false;
      default -> throw new IllegalArgumentException("TOKEN_POW must be on or off, got '" + v + "'");
    };
  }
}
