package io.tandem.chat;

import io.tandem.common.Env;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** Wires chat-service's verticles (used by {@link ChatMain} and the launcher). */
public final class ChatModule {
  private ChatModule() {}

  public static Future<List<Deployable>> verticles(Vertx vertx, Env env) {
    return Future.succeededFuture(List.of(new ChatVerticle(Moderation.from(env))));
  }
}
