package io.tandem.common;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/** A service's wiring: the verticles it deploys, built from configuration. */
@FunctionalInterface
public interface ServiceModule {
  /** Builds the verticles (may fail with IllegalArgumentException on bad configuration). */
  Future<List<Deployable>> verticles(Vertx vertx, Env env);
}
