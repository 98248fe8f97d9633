package io.tandem.common;

/**
 * Safety settings shared by auth-service and the gateways (docs/safety.md lists every control).
 *
 * @param trustedProxyHops reverse proxies in front whose X-Forwarded-For is trusted ({@code TRUSTED_PROXY_HOPS})
 * @param httpRatePerMinute HTTP requests per minute per network ({@code HTTP_RATE_PER_MINUTE}); a network is one
 *     IPv4 address or one IPv6 /64 ({@link ClientAddress}), often shared by thousands (carrier-grade NAT, campuses)
 * @param httpBurst HTTP requests a network may send back to back ({@code HTTP_RATE_BURST})
 * @param deviceRatePerMinute token requests per minute per device ({@code HTTP_DEVICE_RATE_PER_MINUTE})
 * @param deviceBurst token requests a device may send back to back ({@code HTTP_DEVICE_RATE_BURST})
 * @param blockTtlSeconds default block duration ({@code BLOCK_TTL_SECONDS})
 * @param reportThreshold distinct reporting devices that trigger an automatic block ({@code REPORT_THRESHOLD})
 * @param reportWindowSeconds window in which those reports count ({@code REPORT_WINDOW_SECONDS})
 * @param autoBlockTtlSeconds duration of an automatic block ({@code AUTO_BLOCK_TTL_SECONDS})
 */
public record SafetyConfig(int trustedProxyHops, int httpRatePerMinute, int httpBurst, int deviceRatePerMinute,
                           int deviceBurst, int blockTtlSeconds, int reportThreshold, int reportWindowSeconds,
                           int autoBlockTtlSeconds) {
  /**
   * Default HTTP rate per network: sized for a shared address (docs/production.md, "Limits that fit
   * real networks"): about 2,000 active users behind one address at ~3 requests a minute each.
   */
  public static final int HTTP_RATE_PER_MINUTE = 6000;
  /** Default HTTP burst per network (a lecture hall opening the site at once). */
  public static final int HTTP_BURST = 1000;
  /** Default token requests per minute per device: the fine-grained limit (one person). */
  public static final int DEVICE_RATE_PER_MINUTE = 100;
  /** Default token burst per device. */
  public static final int DEVICE_BURST = 20;
  /** Default block duration: 24 hours. */
  public static final int BLOCK_TTL_SECONDS = 24 * 3600;
  /** Default number of distinct reporters that blocks a device. */
  public static final int REPORT_THRESHOLD = 3;
  /** Default report window: 1 hour. */
  public static final int REPORT_WINDOW_SECONDS = 3600;

  public static SafetyConfig from(Env env) {
    return new SafetyConfig(
        env.integer("TRUSTED_PROXY_HOPS", 0, 0, 10),
        env.integer("HTTP_RATE_PER_MINUTE", HTTP_RATE_PER_MINUTE, 1, 1_000_000),
        env.integer("HTTP_RATE_BURST", HTTP_BURST, 1, 1_000_000),
        env.integer("HTTP_DEVICE_RATE_PER_MINUTE", DEVICE_RATE_PER_MINUTE, 1, 1_000_000),
        env.integer("HTTP_DEVICE_RATE_BURST", DEVICE_BURST, 1, 1_000_000),
        env.integer("BLOCK_TTL_SECONDS", BLOCK_TTL_SECONDS, 1, 365 * 24 * 3600),
        env.integer("REPORT_THRESHOLD", REPORT_THRESHOLD, 1, 1000),
        env.integer("REPORT_WINDOW_SECONDS", REPORT_WINDOW_SECONDS, 1, 30 * 24 * 3600),
        env.integer("AUTO_BLOCK_TTL_SECONDS", BLOCK_TTL_SECONDS, 1, 365 * 24 * 3600));
  }

  /** The HTTP limiter of one scope: "http:device" gets the per-device budget, any other scope ("http:ip") the per-network one. */
  public RateLimiter httpLimiter(io.vertx.redis.client.Redis redis, String scope) {
    return scope.endsWith(":device")
        ? new RateLimiter(redis, scope, deviceRatePerMinute, 60_000, deviceBurst)
        : new RateLimiter(redis, scope, httpRatePerMinute, 60_000, httpBurst);
  }
}
