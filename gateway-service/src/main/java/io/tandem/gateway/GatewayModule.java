package io.tandem.gateway;

import io.tandem.common.Env;
import io.tandem.common.RedisConnector;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Wires gateway-service's verticles from configuration (used by {@link GatewayMain} and the launcher). */
public final class GatewayModule {
  private GatewayModule() {}

  public static Future<List<Deployable>> verticles(Vertx vertx, Env env) {
    return Future.succeededFuture(List.of(new GatewayVerticle(GatewayConfig.from(env), RedisConnector.create(vertx, env))));
  }
}
