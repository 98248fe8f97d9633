package io.tandem.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.gateway.http.HttpRoutes;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The nudity shield's vendored model and runtime as the gateway serves them (issue 22): the right
 * content types (.wasm as application/wasm, or the browser refuses to stream-compile it), a year's
 * {@code immutable} cache for the versioned vendor folders only, and the page's CSP allowing
 * WebAssembly compilation but never JavaScript eval.
 */
class ShieldFilesServedIT {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Every vendored file the shield loads, with its expected type. */
  static final Map<String, String> FILES = Map.of(
      "/vendor/nsfwjs-4.4.0/nsfwjs.min.js", "text/javascript",
      "/vendor/nsfwjs-4.4.0/model.min.js", "text/javascript",
      "/vendor/nsfwjs-4.4.0/group1-shard1of1.min.js", "text/javascript",
      "/vendor/tfjs-4.22.0/tf.es2017.min.js", "text/javascript",
      "/vendor/tfjs-backend-wasm-4.22.0/tf-backend-wasm.es2017.min.js", "text/javascript",
      "/vendor/tfjs-backend-wasm-4.22.0/tfjs-backend-wasm-simd.wasm", "application/wasm",
      "/vendor/tfjs-backend-wasm-4.22.0/tfjs-backend-wasm.wasm", "application/wasm",
      "/vendor/shield-manifest.json", "application/json");

  @Test
  void vendoredFilesAreServedWithTheirTypesAndCachedForAYear() throws Exception {
    int port = Ports.free();
    try (ServiceStack stack = GatewayStack.start(Map.of("GATEWAY_PORT", Integer.toString(port)))) {
      for (Map.Entry<String, String> f : FILES.entrySet()) {
        HttpResponse<byte[]> r = get(port, f.getKey());
        assertEquals(200, r.statusCode(), f.getKey());
        String type = r.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith(f.getValue()), f.getKey() + " served as " + type);
        assertTrue(r.body().length > 0, f.getKey());
        String cache = r.headers().firstValue("Cache-Control").orElse("");
        if (f.getKey().endsWith(".json")) {
          assertFalse(cache.contains("immutable"), "the unversioned manifest is not immutable: " + cache);
        } else {
          assertTrue(cache.contains("immutable") && cache.contains("max-age=" + HttpRoutes.VENDOR_MAX_AGE_SECONDS),
              f.getKey() + " Cache-Control: " + cache);
        }
        assertNotNull(r.headers().firstValue("Content-Security-Policy").orElse(null), "security headers on vendored files too");
      }
      for (String page : new String[] {"/", "/js/app.js", "/js/shield-worker.js", "/js/classifier.js"}) {
        HttpResponse<byte[]> r = get(port, page);
        assertEquals(200, r.statusCode(), page);
        assertFalse(r.headers().firstValue("Cache-Control").orElse("").contains("immutable"),
            page + " changes without changing its URL: never immutable");
      }
      String csp = get(port, "/").headers().firstValue("Content-Security-Policy").orElseThrow();
      assertTrue(csp.contains("script-src 'self' 'wasm-unsafe-eval';"), csp);
      assertFalse(csp.contains("'unsafe-eval'") || csp.contains("'unsafe-inline'"), csp);
      assertEquals(404, get(port, "/vendor/nsfwjs-4.4.0/missing.js").statusCode());
    }
  }

  static HttpResponse<byte[]> get(int port, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
