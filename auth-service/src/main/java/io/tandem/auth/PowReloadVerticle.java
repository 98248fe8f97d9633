package io.tandem.auth;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Re-reads the operator's proof-of-work base difficulty every {@link PowGuard#OVERRIDE_RELOAD_MS} (no restart needed). */
public final class PowReloadVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PowReloadVerticle.class);
  private final PowGuard guard;
  private long timer = -1;
  private boolean running;

  public PowReloadVerticle(PowGuard guard) {
    this.guard = guard;
  }

  @Override
  public Future<?> start() {
    if (!guard.enabled()) return Future.succeededFuture();
    timer = vertx.setPeriodic(PowGuard.OVERRIDE_RELOAD_MS, t -> reload());
    return guard.reloadOverride().recover(err -> {
      LOG.warn("could not read the proof-of-work base difficulty yet: {}", err.toString());
      return Future.succeededFuture();
    });
  }

  private void reload() {
    if (running) return;
    running = true;
    guard.reloadOverride()
        .onFailure(err -> LOG.debug("proof-of-work base difficulty check failed: {}", err.toString()))
        .onComplete(ar -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
