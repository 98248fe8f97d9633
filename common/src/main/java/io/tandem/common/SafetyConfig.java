package io.tandem.common;

/**
 * Safety settings shared by auth-service and the gateways (docs/safety.md lists every control).
 *
 * @param trustedProxyHops reverse proxies in front whose X-Forwarded-For is trusted ({@code TRUSTED_PROXY_HOPS})
 * @param httpRatePerMinute HTTP requests per minute per client ({@code HTTP_RATE_PER_MINUTE})
 * @param httpBurst HTTP requests a client may send back to back ({@code HTTP_RATE_BURST})
 * @param blockTtlSeconds default block duration ({@code BLOCK_TTL_SECONDS})
 * @param reportThreshold distinct reporting devices that trigger an automatic block ({@code REPORT_THRESHOLD})
 * @param reportWindowSeconds window in which those reports count ({@code REPORT_WINDOW_SECONDS})
 * @param autoBlockTtlSeconds duration of an automatic block ({@code AUTO_BLOCK_TTL_SECONDS})
 */
public record SafetyConfig(int trustedProxyHops, int httpRatePerMinute, int httpBurst, int blockTtlSeconds,
                           int reportThreshold, int reportWindowSeconds, int autoBlockTtlSeconds) {
  /** Default HTTP rate (design: 100 requests per minute per client). */
  public static final int HTTP_RATE_PER_MINUTE = 100;
  /** Default HTTP burst. */
  public static final int HTTP_BURST = 20;
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
        env.integer("BLOCK_TTL_SECONDS", BLOCK_TTL_SECONDS, 1, 365 * 24 * 3600),
        env.integer("REPORT_THRESHOLD", REPORT_THRESHOLD, 1, 1000),
        env.integer("REPORT_WINDOW_SECONDS", REPORT_WINDOW_SECONDS, 1, 30 * 24 * 3600),
        env.integer("AUTO_BLOCK_TTL_SECONDS", BLOCK_TTL_SECONDS, 1, 365 * 24 * 3600));
  }

  /** The HTTP limiter of one scope ("http:ip", "http:device"). */
  public RateLimiter httpLimiter(io.vertx.redis.client.Redis redis, String scope) {
    return new RateLimiter(redis, scope, httpRatePerMinute, 60_000, httpBurst);
  }
}
