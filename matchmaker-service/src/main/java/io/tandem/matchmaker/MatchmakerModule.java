package io.tandem.matchmaker;

import io.tandem.common.Env;
import io.tandem.common.MatchPartitions;
import io.tandem.common.RedisConnector;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.RedisCallStore;
import java.util.ArrayList;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Wires matchmaker-service's verticles from configuration (used by {@link MatchmakerMain} and the launcher). */
public final class MatchmakerModule {
  private MatchmakerModule() {}

  public static Future<List<Deployable>> verticles(Vertx vertx, Env env) {
    MatchmakerConfig config = MatchmakerConfig.from(env);
    MatchPartitions partitions = MatchPartitions.from(env);
    return RedisConnector.connect(vertx, env).map(redis -> {
      // Every partition of the region and its overflow: own join/leave addresses, own sweep (docs/scaling.md).
      // Whoever reaches the overflow waited past RELAX_MS at home: there, anyone pairs with anyone.
      List<Deployable> out = new ArrayList<>();
      for (String p : partitions.withOverflow()) {
        CallStore store = new RedisCallStore(redis, p);
        MatchmakerConfig c = MatchPartitions.isOverflow(p) ? config.relaxed() : config;
        out.add(new JoinVerticle(store, c, p));
        out.add(new SweepVerticle(store, c));
      }
      return out;
    });
  }
}
