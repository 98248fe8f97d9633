package io.tandem.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Serves the web client's files (and its unit-test page under {@code /test/}) from the source tree on
 * 127.0.0.1, with the strict Content-Security-Policy the gateway is going to send, so the client's
 * modules are tested exactly as the browser will load them: no inline script or style, no eval.
 */
public final class StaticWebServer implements AutoCloseable {
  /** The policy the client must live with (no 'unsafe-inline', no 'unsafe-eval'; WebAssembly for the shield's worker). */
  static final String CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; worker-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  public static final Path WEBROOT = Path.of("..", "web-client", "src", "main", "resources", "webroot").toAbsolutePath().normalize();
  public static final Path TEST_WEBROOT = Path.of("..", "web-client", "src", "test", "webroot").toAbsolutePath().normalize();
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml", "png", "image/png", "json", "application/json", "wasm", "application/wasm");

  private final HttpServer server;

  public StaticWebServer(String statsJson) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      try (ex) {
        serve(ex, statsJson);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void serve(HttpExchange ex, String statsJson) throws IOException {
    String path = ex.getRequestURI().getPath();
    if (path.equals("/stats")) {
      reply(ex, 200, TYPES.get("json"), statsJson.getBytes(StandardCharsets.UTF_8));
      return;
    }
    Path root = WEBROOT;
    String rel = path.equals("/") ? "index.html" : path.substring(1);
    if (rel.startsWith("test/")) {
      root = TEST_WEBROOT;
      rel = rel.substring("test/".length());
    }
    Path file = root.resolve(rel).normalize();
    if (!file.startsWith(root) || !Files.isRegularFile(file)) {
      reply(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    String name = file.getFileName().toString();
    String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
    reply(ex, 200, type, Files.readAllBytes(file));
  }

  private static void reply(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Content-Security-Policy", CSP);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
