package io.tandem.matchmaker;

import io.tandem.common.Env;
import io.tandem.common.RedisConnector;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Wires matchmaker-service's verticles from configuration (used by {@link MatchmakerMain} and the launcher). */
public final class MatchmakerModule {
  private MatchmakerModule() {}

  public static Future<List<Deployable>> verticles(Vertx vertx, Env env) {
    MatchmakerConfig config = MatchmakerConfig.from(env);
    return RedisConnector.connect(vertx, env).map(redis -> {
      io.tandem.common.store.CallStore store = new io.tandem.common.store.RedisCallStore(redis);
      return List.<Deployable>of(new JoinVerticle(store, config), new SweepVerticle(store, config));
    });
  }
}
