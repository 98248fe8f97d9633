package io.tandem.common;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Netty transport a service's Vert.x runs on. {@code NATIVE_TRANSPORT} (default true) prefers
 * Netty's native epoll transport (Linux x86_64, shipped in the jar); when it cannot load (another OS
 * or CPU, a locked-down container) Vert.x falls back to the JDK's NIO selector and this says why once
 * at start. Set {@code NATIVE_TRANSPORT=false} to force NIO (for comparison runs).
 */
public final class Transport {
  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
  /** The setting that chooses the transport (read with its literal name: the deploy checks derive each service's variables from the code). */
  public static final String SETTING = "NATIVE_TRANSPORT";
  /** Native transport unless told otherwise. */
  public static final boolean DEFAULT_NATIVE = true;

  private Transport() {}

  /** Vert.x options with the configured transport preference (bad values fail as bad configuration). */
  public static VertxOptions options(Env env) {
    return new VertxOptions().setPreferNativeTransport(env.bool("NATIVE_TRANSPORT", DEFAULT_NATIVE));
  }

  /** The transport a running Vert.x uses: {@code epoll}, or {@code nio}. */
  public static String name(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? "epoll" : "nio";
  }

  /** Logs the transport in use, and why native was not used when it was asked for. */
  public static Vertx report(Vertx vertx, Env env) {
    if (vertx.isNativeTransportEnabled() || !env.bool("NATIVE_TRANSPORT", DEFAULT_NATIVE)) {
      LOG.info("transport={}", name(vertx));
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.warn("transport=nio native transport unavailable: {}", cause == null ? "unknown" : cause.toString());
    }
    return vertx;
  }
}
