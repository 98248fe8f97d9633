package io.tandem.gateway;

import io.tandem.gateway.socket.SocketLoopTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A future shared across loops (one store read for all) calls each caller back on the caller's own loop. */
class OnCallerTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void eachCallerContinuesOnItsOwnContext() throws Exception {
    List<Context> contexts = SocketLoopTest.contexts(vertx, 2, ThreadingModel.EVENT_LOOP);
    Context starter = contexts.get(0);
    Context other = contexts.get(1);
    CompletableFuture<Promise<String>> shared = new CompletableFuture<>();
    CompletableFuture<Thread> starterThread = new CompletableFuture<>();
    CompletableFuture<Thread> otherThread = new CompletableFuture<>();
    CompletableFuture<Thread> rawCallback = new CompletableFuture<>();
    CompletableFuture<Thread> viewedCallback = new CompletableFuture<>();
    CompletableFuture<Void> registered = new CompletableFuture<>();
    starter.runOnContext(v -> {
      starterThread.complete(Thread.currentThread());
      // a future of the starter's context, as a Redis read started there is
      shared.complete(((io.vertx.core.internal.ContextInternal) starter).promise());
    });
    Future<String> f = shared.get(5, TimeUnit.SECONDS).future();
    other.runOnContext(v -> {
      otherThread.complete(Thread.currentThread());
      f.onComplete(ar -> rawCallback.complete(Thread.currentThread()));
      OnCaller.view(f).map(String::length).onComplete(ar -> viewedCallback.complete(Thread.currentThread()));
      registered.complete(null);
    });
    assertNotEquals(starterThread.get(5, TimeUnit.SECONDS), otherThread.get(5, TimeUnit.SECONDS));
    registered.get(5, TimeUnit.SECONDS); // completed only after both listeners are on the pending future
    starter.runOnContext(v -> {
      try {
        shared.get().complete("counts");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertEquals(starterThread.get(), rawCallback.get(5, TimeUnit.SECONDS), "without a view the callback runs on the starter's loop");
    assertEquals(otherThread.get(), viewedCallback.get(5, TimeUnit.SECONDS), "with a view it runs on the caller's loop");
  }
}
