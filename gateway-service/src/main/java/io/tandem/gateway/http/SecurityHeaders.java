package io.tandem.gateway.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Security headers on every HTTP answer of the gateway (the web client, /auth, /stats, errors): a
 * strict Content-Security-Policy (the page's own scripts, styles and sockets only; no framing),
 * no referrer, camera and microphone for the page itself only, and HSTS when served over TLS
 * (directly, or behind trusted proxies that say {@code X-Forwarded-Proto: https}).
 */
public final class SecurityHeaders {
  /**
   * The page loads only its own files, connects only to its own origin (the signaling socket), runs
   * workers only from its own files (the proof-of-work solver js/pow-worker.js, the nudity shield's
   * js/shield-worker.js), and cannot be framed. {@code 'wasm-unsafe-eval'} lets the shield's worker compile its
   * vendored WebAssembly (the TF.js WASM backend); it allows WebAssembly compilation only, never JavaScript
   * eval (docs/safety.md).
   */
  public static final String CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
      + "media-src 'self' blob: mediastream:; connect-src 'self'; worker-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
      + "form-action 'self'; frame-ancestors 'none'";
  /** Camera and microphone for this origin only; the rest of the powerful features off. */
  public static final String PERMISSIONS = "camera=(self), microphone=(self), display-capture=(), geolocation=(), "
      + "payment=(), usb=(), serial=(), bluetooth=(), midi=()";
  /** One year, subdomains included (sent only over TLS). */
  public static final String HSTS = "max-age=31536000; includeSubDomains";

  private SecurityHeaders() {}

  /** A route handler adding the headers, then passing on. */
  public static void handle(RoutingContext ctx, int trustedProxyHops) {
    MultiMap h = ctx.response().headers();
    h.set("Content-Security-Policy", CSP);
    h.set("Referrer-Policy", "no-referrer");
    h.set("Permissions-Policy", PERMISSIONS);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    String forwarded = trustedProxyHops > 0 ? ctx.request().getHeader("X-Forwarded-Proto") : null;
    if (ctx.request().isSSL() || "https".equalsIgnoreCase(forwarded)) h.set("Strict-Transport-Security", HSTS);
    ctx.next();
  }
}
