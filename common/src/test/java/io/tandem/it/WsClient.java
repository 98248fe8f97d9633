package io.tandem.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A blocking test client of {@code /signaling}: records every frame; waits for frames by type. */
public final class WsClient implements AutoCloseable {
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final WebSocketClient client;
  private final WebSocket ws;
  private final List<JsonObject> frames = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private volatile Short closeStatus;
  private volatile java.util.function.Consumer<JsonObject> onFrame = f -> { };
  private volatile Runnable onClose = () -> { };

  private WsClient(WebSocketClient client, WebSocket ws) {
    this.client = client;
    this.ws = ws;
    ws.textMessageHandler(text -> {
      onFrame.accept(new JsonObject(text));
      synchronized (frames) {
        frames.add(new JsonObject(text));
        taken.add(false);
        frames.notifyAll();
      }
    });
    ws.closeHandler(v -> {
      closeStatus = ws.closeStatusCode() == null ? (short) 1006 : ws.closeStatusCode();
      synchronized (frames) {
        frames.notifyAll();
      }
      onClose.run();
    });
  }

  /** Connects with the token in the Authorization header. */
  public static WsClient connect(Vertx vertx, int port, String token) throws Exception {
    return connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/signaling")
        .addHeader("Authorization", "Bearer " + token));
  }

  public static WsClient connect(Vertx vertx, WebSocketConnectOptions options) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1024 * 1024)
        .setMaxMessageSize(1024 * 1024));
    try {
      WebSocket ws = client.connect(options).await(10, TimeUnit.SECONDS);
      return new WsClient(client, ws);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** Runs on the socket's own thread for every frame, before it is recorded (to answer without delay). */
  public WsClient onFrame(java.util.function.Consumer<JsonObject> handler) {
    this.onFrame = handler;
    return this;
  }

  /** Runs once when the socket closes (either side, or lost). */
  public WsClient onClose(Runnable handler) {
    this.onClose = handler;
    if (closeStatus != null) handler.run();
    return this;
  }

  /** Sends without waiting for the write (usable from {@link #onFrame}). */
  public void sendNow(String type, JsonObject data) {
    ws.writeTextMessage(new JsonObject().put("type", type).put("data", data).encode());
  }

  public WsClient send(String type, JsonObject data) {
    return sendRaw(new JsonObject().put("type", type).put("data", data).encode());
  }

  public WsClient sendRaw(String text) {
    ws.writeTextMessage(text).await();
    return this;
  }

  /** The next not-yet-taken frame of this type; fails after {@link #WAIT}. */
  public JsonObject await(String type) throws InterruptedException {
    return await(type, WAIT);
  }

  public JsonObject await(String type, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (frames) {
      while (true) {
        for (int i = 0; i < frames.size(); i++) {
          if (!taken.get(i) && type.equals(frames.get(i).getString("type"))) {
            taken.set(i, true);
            return frames.get(i).getJsonObject("data");
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("no '" + type + "' frame within " + wait + "; got " + frames);
        TimeUnit.NANOSECONDS.timedWait(frames, left);
      }
    }
  }

  /** Every frame of this type received so far (taken or not). */
  public List<JsonObject> all(String type) {
    synchronized (frames) {
      return frames.stream().filter(f -> type.equals(f.getString("type"))).map(f -> f.getJsonObject("data")).toList();
    }
  }

  /** Waits until the socket is closed; returns the close status. */
  public short awaitClose() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    synchronized (frames) {
      while (closeStatus == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new AssertionError("socket not closed within " + WAIT);
        TimeUnit.NANOSECONDS.timedWait(frames, left);
      }
    }
    return closeStatus;
  }

  public boolean isClosed() {
    return closeStatus != null;
  }

  /** Closes with this code (a close frame, as a browser sends 1001 when a tab closes). */
  public void closeWith(short code) {
    ws.close(code, "bye").await();
  }

  @Override
  public void close() {
    try {
      if (!ws.isClosed()) ws.close().await(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // already gone
    }
    client.close();
  }
}
