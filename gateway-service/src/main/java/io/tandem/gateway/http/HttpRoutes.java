package io.tandem.gateway.http;

import io.tandem.gateway.GatewayConfig;
import io.tandem.gateway.presence.Presence;

import io.tandem.common.Addresses;
import io.tandem.common.ClientAddress;
import io.tandem.common.Hashing;
import io.tandem.common.SafetyConfig;
import io.tandem.common.ErrorCode;
import io.tandem.common.HttpReplies;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.tandem.common.msg.AuthAnswer;
import io.tandem.common.msg.AuthCall;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/** The gateway's plain HTTP side: {@code /auth/*} forwarded to auth-service, {@code /stats}, health, the web client. */
public final class HttpRoutes {
  /** Classpath folder of the web client (the web-client module). */
  public static final String WEBROOT = "webroot";
  /**
   * Vendored third-party files in versioned folders ({@code /vendor/<package>-<x.y.z>/…}: the shield's
   * model and runtime): a new version is a new URL, so they are cached for a year as {@code immutable}.
   */
  public static final String VENDOR_PATH_REGEX = "^/vendor/[a-z0-9-]+-\\d+\\.\\d+\\.\\d+/[^/]+$";
  /** How long a browser keeps a vendored file without asking again. */
  public static final long VENDOR_MAX_AGE_SECONDS = 365L * 24 * 60 * 60;

  private HttpRoutes() {}

  public static Router router(Vertx vertx, GatewayConfig config, SafetyConfig safety, Redis redis, Presence presence, Hashing hashing) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> SecurityHeaders.handle(ctx, safety.trustedProxyHops()));
    router.route("/auth/*").handler(BodyHandler.create(false).setBodyLimit(Limits.HTTP_BODY_MAX));
    router.route("/auth/*").handler(ctx -> {
      String ipHash = hashing.hash(ClientAddress.of(ctx.request().remoteAddress(), ctx.request().headers(), safety.trustedProxyHops()));
      AuthCall call = new AuthCall(ctx.request().method().name(), ctx.request().path(), ctx.body().asString(), ipHash);
      vertx.eventBus().<JsonObject>request(Addresses.AUTH_HTTP, call.toJson(),
              new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(config.busTimeoutMs()))
          .onSuccess(msg -> HttpReplies.answer(ctx.response(), AuthAnswer.fromJson(msg.body())))
          .onFailure(err -> HttpReplies.error(ctx.response(), err));
    });
    io.tandem.common.RateLimiter perNetwork = safety.httpLimiter(redis, "http:ip");
    router.get("/stats").handler(ctx -> perNetwork.check(hashing.hash(ClientAddress.of(ctx.request().remoteAddress(), ctx.request().headers(), safety.trustedProxyHops())))
        .compose(v -> presence.stats())
        .onSuccess(stats -> HttpReplies.json(ctx.response(), 200, stats))
        .onFailure(err -> HttpReplies.error(ctx.response(), err)));
    router.get("/health/live").handler(ctx -> HttpReplies.json(ctx.response(), 200, new JsonObject().put("status", "up")));
    router.get("/health/ready").handler(ctx -> redis.send(Request.cmd(Command.PING))
        .onSuccess(r -> HttpReplies.json(ctx.response(), 200, new JsonObject().put("status", "ready")))
        .onFailure(err -> HttpReplies.json(ctx.response(), 503, new JsonObject().put("status", "redis unavailable"))));
    router.get("/signaling").handler(ctx -> HttpReplies.error(ctx.response(),
        new TandemException(ErrorCode.BAD_REQUEST, "WebSocket upgrade required")));
    if (config.serveWebClient()) {
      router.getWithRegex(VENDOR_PATH_REGEX).handler(StaticHandler.create(WEBROOT)
          .setCachingEnabled(true).setMaxAgeSeconds(VENDOR_MAX_AGE_SECONDS));
      router.route("/*").handler(StaticHandler.create(WEBROOT).setCachingEnabled(false).setIndexPage("index.html"));
    }
    router.route().last().handler(ctx -> HttpReplies.error(ctx.response(), new TandemException(ErrorCode.NOT_FOUND)));
    router.errorHandler(413, ctx -> HttpReplies.error(ctx.response(),
        new TandemException(ErrorCode.BAD_REQUEST, "body larger than " + Limits.HTTP_BODY_MAX + " bytes")));
    router.errorHandler(500, ctx -> HttpReplies.error(ctx.response(), ctx.failure() == null
        ? new TandemException(ErrorCode.INTERNAL) : ctx.failure()));
    return router;
  }
}
