package io.tandem.common;

import io.tandem.common.msg.AuthAnswer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writing JSON answers and {@code {"error": {"code","message"}}} bodies on HTTP. */
public final class HttpReplies {
  private HttpReplies() {}

  public static Future<Void> json(HttpServerResponse resp, int status, JsonObject body) {
    if (resp.ended() || resp.closed()) return Future.succeededFuture();
    return resp.setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.encode());
  }

  public static Future<Void> answer(HttpServerResponse resp, AuthAnswer answer) {
    if (answer.retryAfterSeconds() != null && !resp.ended()) {
      resp.putHeader("Retry-After", Integer.toString(answer.retryAfterSeconds()));
    }
    return json(resp, answer.status(), answer.body());
  }

  public static Future<Void> error(HttpServerResponse resp, Throwable failure) {
    TandemException te = Failures.map(failure);
    if (te.retryAfterSeconds() != null && !resp.ended()) resp.putHeader("Retry-After", Integer.toString(te.retryAfterSeconds()));
    return json(resp, te.code().status, new JsonObject().put("error", Failures.body(te)));
  }
}
