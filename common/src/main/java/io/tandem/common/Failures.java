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
      int c = re.failureCode();
      ErrorCode code = c >= 0 && c < ErrorCode.values().length ? ErrorCode.values()[c] : ErrorCode.INTERNAL;
      return new TandemException(code, re.getMessage());
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
    return n.contains("ConnectTimeout") || n.contains("ClosedChannel") || n.contains("NoStackTraceTimeout")
        || "Connection is closed".equals(t.getMessage());
  }

  /** Fails an event-bus message so the caller's {@link #map} restores the same code and text. */
  public static void reply(Message<?> msg, Throwable t) {
    TandemException te = map(t);
    msg.fail(te.code().ordinal(), te.getMessage());
  }

  /** The {@code {"code","message"}} object used in HTTP bodies and {@code error} frames. */
  public static JsonObject body(TandemException te) {
    return new JsonObject().put("code", te.code().code).put("message", te.getMessage());
  }
}
