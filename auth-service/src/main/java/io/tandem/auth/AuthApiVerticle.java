package io.tandem.auth;

import io.tandem.common.Addresses;
import io.tandem.common.ClientAddress;
import io.tandem.common.SafetyConfig;
import io.vertx.redis.client.Redis;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.HttpReplies;
import io.tandem.common.Limits;
import io.tandem.common.TandemException;
import io.tandem.common.msg.AuthCall;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the auth API: on its own HTTP port ({@code AUTH_PORT}) and on the event bus
 * ({@link Addresses#AUTH_HTTP}) for gateways that expose {@code /auth/*} on the web origin.
 */
public final class AuthApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuthApiVerticle.class);

  private final AuthConfig config;
  private final SafetyConfig safety;
  private final AuthService service;
  private final Redis redis;
  private MessageConsumer<JsonObject> consumer;

  public AuthApiVerticle(AuthConfig config, SafetyConfig safety, AuthService service, Redis redis) {
    this.config = config;
    this.safety = safety;
    this.service = service;
    this.redis = redis;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.AUTH_HTTP, msg -> {
      AuthCall call;
      try {
        call = AuthCall.fromJson(msg.body());
      } catch (RuntimeException e) {
        Failures.reply(msg, e);
        return;
      }
      service.handle(call).onSuccess(a -> msg.reply(a.toJson())).onFailure(err -> Failures.reply(msg, err));
    });
    Future<Void> registered = consumer.completion();
    if (config.port() == 0) return registered;
    return registered.compose(v -> startHttp()).onSuccess(s -> LOG.info("auth API listening port={}", s.actualPort()));
  }

  private Future<HttpServer> startHttp() {
    Router router = Router.router(vertx);
    router.route("/auth/*").handler(BodyHandler.create(false).setBodyLimit(Limits.HTTP_BODY_MAX));
    router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(Limits.HTTP_BODY_MAX));
    AdminApi.mount(router, vertx, config, safety, redis, service.hashing(), service.pow());
    router.route("/auth/*").handler(ctx -> service
        .handle(new AuthCall(ctx.request().method().name(), ctx.request().path(), ctx.body().asString(),
            service.hashing().hash(ClientAddress.of(ctx.request().remoteAddress(), ctx.request().headers(), safety.trustedProxyHops()))))
        .onSuccess(a -> HttpReplies.answer(ctx.response(), a))
        .onFailure(err -> HttpReplies.error(ctx.response(), err)));
    router.route().last().handler(ctx -> HttpReplies.error(ctx.response(), new TandemException(ErrorCode.NOT_FOUND)));
    router.errorHandler(413, ctx -> HttpReplies.error(ctx.response(),
        new TandemException(ErrorCode.BAD_REQUEST, "body larger than " + Limits.HTTP_BODY_MAX + " bytes")));
    router.errorHandler(500, ctx -> HttpReplies.error(ctx.response(), ctx.failure() == null
        ? new TandemException(ErrorCode.INTERNAL) : ctx.failure()));
    return vertx.createHttpServer().requestHandler(router).listen(config.port());
  }

  @Override
  public Future<?> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
