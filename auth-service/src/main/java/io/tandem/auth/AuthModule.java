package io.tandem.auth;

import io.tandem.common.Env;
import io.tandem.common.HashSecretVerticle;
import io.tandem.common.Hashing;
import io.tandem.common.RedisConnector;
import io.tandem.common.RedisKeys;
import io.tandem.common.SafetyConfig;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Wires auth-service's verticles from configuration (used by {@link AuthMain} and the launcher). */
public final class AuthModule {
  private AuthModule() {}

  /** Builds the verticles; the key is loaded (or generated) and the hash and challenge secrets resolved first. */
  public static Future<List<Deployable>> verticles(Vertx vertx, Env env) {
    AuthConfig config = AuthConfig.from(env);
    SafetyConfig safety = SafetyConfig.from(env);
    PowConfig powConfig = PowConfig.from(env);
    KeyRing keys = new KeyRing(vertx, config);
    return RedisConnector.connect(vertx, env).compose(redis -> Hashing.resolve(redis, config.hashSecret())
        .compose(hashing -> Hashing.resolve(redis, powConfig.secret(), PowConfig.SECRET_SETTING, RedisKeys.POW_SECRET).map(powKey -> {
          PowGuard pow = new PowGuard(powConfig, redis, new PowChallenges(powKey, System::currentTimeMillis), System::currentTimeMillis);
          return List.<Deployable>of(
              new HashSecretVerticle(redis, hashing),
              new HashSecretVerticle(redis, powKey),
              new PowReloadVerticle(pow),
              new KeyPublisherVerticle(redis, keys, config),
              new AuthApiVerticle(config, safety, new AuthService(vertx, config, safety, redis, keys, hashing, pow), redis));
        })));
  }
}
