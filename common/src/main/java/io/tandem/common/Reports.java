package io.tandem.common;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import java.util.List;

/**
 * Reports against a device: the capped list of recent reports (no reporter identity), and the
 * per-device window of distinct reporters that blocks the device automatically. Both are atomic
 * scripts; they live in the reported device's slot and in the list's own slot on Redis Cluster.
 */
public final class Reports {
  /** Reports kept in {@link RedisKeys#REPORTS}. */
  public static final int KEPT = 1000;

  private final Redis redis;
  private final SafetyConfig safety;

  public Reports(Redis redis, SafetyConfig safety) {
    this.redis = redis;
    this.safety = safety;
  }

  /**
   * Records a report and blocks the reported device when enough distinct devices reported it
   * within the window; true when this report triggered the block. A report against nobody (no
   * device) or oneself is listed but counts toward no block.
   */
  public Future<Boolean> report(String sessionId, String reporterDevice, String reportedDevice, String reason) {
    String entry = new JsonObject().put("sessionId", sessionId).put("reportedDevice", reportedDevice)
        .put("reason", reason).put("ts", System.currentTimeMillis()).encode();
    Future<Void> listed = RedisScript.REPORT_LOG.runOn(redis, List.of(RedisKeys.REPORTS), entry, KEPT).mapEmpty();
    if (reportedDevice == null || reportedDevice.isEmpty() || reportedDevice.equals(reporterDevice)) return listed.map(false);
    JsonObject block = new JsonObject().put("kind", "device").put("hash", reportedDevice).put("reason", "reports")
        .put("source", "auto").put("expiresAt", System.currentTimeMillis() / 1000 + safety.autoBlockTtlSeconds());
    return listed.compose(v -> RedisScript.REPORT.runOn(redis,
        List.of(RedisKeys.reportsAgainst(reportedDevice), RedisKeys.blockedDevice(reportedDevice)),
        reporterDevice, safety.reportWindowSeconds() * 1000L, safety.reportThreshold(), safety.autoBlockTtlSeconds(), block.encode()))
        .map(r -> r.get(1).toInteger() == 1);
  }
}
