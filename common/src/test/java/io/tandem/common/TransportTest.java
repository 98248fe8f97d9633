package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** NATIVE_TRANSPORT: epoll by default where it can load (the jar ships Linux x86_64's), NIO when told. */
class TransportTest {
  private static boolean linuxX64() {
    String arch = System.getProperty("os.arch");
    return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")
        && ("amd64".equals(arch) || "x86_64".equals(arch));
  }

  @Test
  void nativeByDefaultOnLinuxX64() throws Exception {
    Assumptions.assumeTrue(linuxX64(), "the native transport shipped is Linux x86_64's");
    Env env = Env.with(Map.of());
    assertTrue(Transport.options(env).getPreferNativeTransport());
    Vertx vertx = Vertx.vertx(Transport.options(env));
    try {
      assertEquals("epoll", Transport.name(vertx), "native epoll did not load: " + vertx.unavailableNativeTransportCause());
      // and it works, not only loads: a native library older than Netty's classes can load and then
      // fail on first use (UnsatisfiedLinkError); one HTTP exchange over loopback uses it both ways
      java.util.concurrent.CompletableFuture<String> got = new java.util.concurrent.CompletableFuture<>();
      // held in a variable until the exchange is over: Vert.x 5 closes an HttpClient nothing references any more
      // (its cleaner ran in the middle of a request once: "Pool closed")
      io.vertx.core.http.HttpClient http = vertx.createHttpClient();
      vertx.getOrCreateContext().runOnContext(v -> vertx.createHttpServer().requestHandler(r -> r.response().end("pong"))
          .listen(0, "127.0.0.1")
          .compose(server -> http.request(io.vertx.core.http.HttpMethod.GET, server.actualPort(), "127.0.0.1", "/"))
          .compose(req -> req.send().compose(io.vertx.core.http.HttpClientResponse::body))
          .onComplete(ar -> {
            if (ar.succeeded()) got.complete(ar.result().toString());
            else got.completeExceptionally(ar.cause());
          }));
      String body = got.get(10, TimeUnit.SECONDS);
      assertEquals("pong", body);
      http.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void nioWhenTurnedOff() throws Exception {
    Env env = Env.with(Map.of(Transport.SETTING, "false"));
    assertFalse(Transport.options(env).getPreferNativeTransport());
    Vertx vertx = Vertx.vertx(Transport.options(env));
    try {
      assertEquals("nio", Transport.name(vertx));
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aBadValueIsAClearError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Transport.options(Env.with(Map.of(Transport.SETTING, "epoll"))));
    assertTrue(e.getMessage().contains(Transport.SETTING), e.getMessage());
  }
}
