package io.tandem.gateway;

import io.tandem.common.Env;
import io.tandem.common.HashSecretVerticle;
import io.tandem.common.Hashing;
import io.tandem.common.RedisConnector;
import io.tandem.common.SafetyConfig;
import io.tandem.common.MatchPartitions;
import io.tandem.common.store.PartitionStores;
import io.tandem.common.store.RedisCallStore;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Wires gateway-service's verticles from configuration (used by {@link GatewayMain} and the launcher). */
public final class GatewayModule {
  private GatewayModule() {}

  public static Future<List<Deployable>> verticles(Vertx vertx, Env env) {
    GatewayConfig config = GatewayConfig.from(env);
    SafetyConfig safety = SafetyConfig.from(env);
    MatchPartitions partitions = MatchPartitions.from(env);
    return RedisConnector.connect(vertx, env).compose(redis ->
        Hashing.resolve(redis, Hashing.configured(env.raw("HASH_SECRET"), env.raw("TANDEM_ENV")))
            .map(hashing -> List.<Deployable>of(new HashSecretVerticle(redis, hashing),
                new GatewayVerticle(config, safety, redis, hashing,
                    new PartitionStores(partitions, p -> new RedisCallStore(redis, p))))));
  }
}
