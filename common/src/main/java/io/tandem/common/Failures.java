package io.tandem.common;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place failures become client-visible codes: over the event bus, on HTTP and on the socket. */
public final class Failures {
  private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

  private Failures() {}

  /** Maps any failure to a {@link TandemException} (never loses the code of one that already is). */
  public static TandemException map(Throwable t) {
    if (t instanceof TandemException te) return te;
    if (t instanceof ReplyException re) {
      ReplyFailure kind = re.failureType();
      if (kind == ReplyFailure.TIMEOUT || kind == ReplyFailure.NO_HANDLERS) {
        return new TandemException(ErrorCode.UNAVAILABLE);
      }
      String text = re.getMessage() == null ? "" : re.getMessage();
      int colon = text.indexOf(':');
      ErrorCode code = colon > 0 ? ErrorCode.of(text.substring(0, colon)) : ErrorCode.INTERNAL;
      return new TandemException(code, colon > 0 ? text.substring(colon + 1) : text);
    }
    if (t instanceof ConnectException || isConnectionFailure(t)) {
      LOG.warn("backend failure: {}", t.toString());
      return new TandemException(ErrorCode.UNAVAILABLE);
    }
    String ref = Ids.random("e_", 6);
    LOG.error("unexpected failure ref={}", ref, t);
    return new TandemException(ErrorCode.INTERNAL, "Internal error (ref " + ref + ")");
  }

  private static boolean isConnectionFailure(Throwable t) {
    String n = t.getClass().getSimpleName();
    String m = String.valueOf(t.getMessage());
    return n.contains("ConnectTimeout") || n.contains("ClosedChannel") || n.contains("NoStackTraceTimeout")
        || m.equals("Connection is closed") || m.equals("Client is closed") || m.startsWith("CONNECTION_CLOSED");
  }

  /**
   * Fails an event-bus message so the caller's {@link #map} restores the same code and text. The
   * code travels as its wire name ("code:message"), so replicas of different versions agree during
   * a rolling upgrade; the numeric failure code is the HTTP status.
   */
  public static void reply(Message<?> msg, Throwable t) {
    TandemException te = map(t);
    msg.fail(te.code().status, te.code().code + ":" + te.getMessage());
  }

  /** The {@code {"code","message"}} object used in HTTP bodies and {@code error} frames. */
  public static JsonObject body(TandemException te) {
    return new JsonObject().put("code", te.code().code).put("message", te.getMessage());
  }
}
