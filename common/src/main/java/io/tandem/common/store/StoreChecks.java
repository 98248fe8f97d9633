package io.tandem.common.store;

import io.vertx.core.Future;
import java.util.List;

/** Checks of a call's arguments shared by every {@link CallStore} (a failing one is the caller's bug). */
final class StoreChecks {
  private StoreChecks() {}

  /** IllegalArgumentException for a confirm batch over {@link CallStore#CONFIRM_BATCH_MAX}; null when it fits. */
  static Future<Void> refuseOversizedBatch(List<String> sessionIds) {
    if (sessionIds.size() <= CallStore.CONFIRM_BATCH_MAX) return null;
    return Future.failedFuture(new IllegalArgumentException(
        "at most " + CallStore.CONFIRM_BATCH_MAX + " matches per confirmation, got " + sessionIds.size()));
  }
}
