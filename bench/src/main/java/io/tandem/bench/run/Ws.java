package io.tandem.bench.run;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One client socket on {@code /signaling}, authenticated with {@code Authorization: Bearer}. Frames
 * go to a {@link Listener} (the scenarios' hot paths) or, by default, into an inbox that
 * {@link #await} reads (set-up steps).
 */
public final class Ws {
  /** Receives every frame on the socket's event-loop thread. */
  public interface Listener {
    void onFrame(Ws ws, String type, JsonObject data, long nanos);

    default void onClose(Ws ws) {}
  }

  /** A received frame and when it arrived ({@link System#nanoTime()}). */
  public record Frame(String type, JsonObject data, long nanos) {}

  public final Tokens.Token token;
  public final int gateway;
  private final WebSocket socket;
  private final Context context;
  private volatile Listener listener;
  private final List<Frame> inbox = new ArrayList<>();
  private final List<Boolean> taken = new ArrayList<>();
  private volatile boolean closed;
  private volatile Short closeCode;
  private volatile long closedNanos;
  /** Scenario state attached to this client. */
  public volatile Object state;

  private Ws(Tokens.Token token, int gateway, WebSocket socket, Context context) {
    this.token = token;
    this.gateway = gateway;
    this.socket = socket;
    this.context = context;
    socket.textMessageHandler(this::onText);
    socket.closeHandler(v -> {
      closeCode = socket.closeStatusCode();
      closedNanos = System.nanoTime();
      closed = true;
      Listener l = listener;
      if (l != null) l.onClose(this);
      synchronized (inbox) {
        inbox.notifyAll();
      }
    });
    socket.exceptionHandler(err -> { });
  }

  /** Connects to a gateway at 127.0.0.1:{@code port}. */
  public static Future<Ws> connect(WebSocketClient client, int port, int gateway, Tokens.Token token) {
    return connect(client, port, gateway, token, 30_000);
  }

  /** The same, giving up a handshake not done within {@code timeoutMs}. */
  public static Future<Ws> connect(WebSocketClient client, int port, int gateway, Tokens.Token token, long timeoutMs) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/signaling")
        .addHeader("Authorization", "Bearer " + token.access()).setTimeout(timeoutMs)
        .setAllowOriginHeader(false); // a non-browser client, like a mobile app
    return client.connect(o).map(ws -> new Ws(token, gateway, ws, Vertx.currentContext()));
  }

  /** Connects to a bare server (the {@code floors} scenario's relay) at {@code uri}: no token; {@code label} stands for the user id. */
  public static Future<Ws> connectBare(WebSocketClient client, int port, String uri, String label) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri).setTimeout(30_000)
        .setAllowOriginHeader(false);
    return client.connect(o).map(ws -> new Ws(new Tokens.Token("", label), 0, ws, Vertx.currentContext()));
  }

  public String userId() {
    return token.userId();
  }

  public Ws listener(Listener l) {
    this.listener = l;
    return this;
  }

  private void onText(String text) {
    long now = System.nanoTime();
    JsonObject f;
    try {
      f = new JsonObject(text);
    } catch (RuntimeException e) {
      f = new JsonObject().put("type", "bench-unparseable").put("data", new JsonObject().put("text", text));
    }
    String type = f.getString("type");
    JsonObject data = f.getJsonObject("data", new JsonObject());
    Listener l = listener;
    if (l != null) {
      l.onFrame(this, type, data, now);
      return;
    }
    synchronized (inbox) {
      inbox.add(new Frame(type, data, now));
      taken.add(false);
      inbox.notifyAll();
    }
  }

  /** Sends a text frame from any thread (hops onto the socket's event loop). */
  public void send(String frame) {
    if (closed) return;
    if (Vertx.currentContext() == context) socket.writeTextMessage(frame);
    else context.runOnContext(v -> {
      if (!closed) socket.writeTextMessage(frame);
    });
  }

  /** The event loop the socket lives on. */
  public Context context() {
    return context;
  }

  /** Writes a frame; call on {@link #context()} only. */
  public void writeOnContext(String frame) {
    if (!closed) socket.writeTextMessage(frame);
  }

  /** Runs a task on the socket's event loop (where its frames are handled). */
  public void run(Runnable task) {
    if (Vertx.currentContext() == context) task.run();
    else context.runOnContext(v -> task.run());
  }

  /** The close code the server sent (null: not closed yet, or closed without a close frame). */
  public Short closeCode() {
    return closeCode;
  }

  /** When the socket was seen closed ({@link System#nanoTime()}), 0 while open. */
  public long closedNanos() {
    return closedNanos;
  }

  public boolean isClosed() {
    return closed || socket.isClosed();
  }

  public Future<Void> close() {
    if (socket.isClosed()) return Future.succeededFuture();
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    if (Vertx.currentContext() == context) socket.close().onComplete(ar -> p.tryComplete());
    else context.runOnContext(v -> socket.close().onComplete(ar -> p.tryComplete()));
    return p.future();
  }

  /** The next frame of this type not taken yet (blocking; inbox mode only). */
  public Frame await(String type, Duration wait) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (inbox) {
      while (true) {
        for (int i = 0; i < inbox.size(); i++) {
          if (!taken.get(i) && type.equals(inbox.get(i).type())) {
            taken.set(i, true);
            return inbox.get(i);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new TimeoutException("no '" + type + "' within " + wait.toMillis() + " ms on " + userId() + "; got " + types());
        if (closed) throw new TimeoutException("socket closed while waiting for '" + type + "' on " + userId() + "; got " + types());
        TimeUnit.NANOSECONDS.timedWait(inbox, left);
      }
    }
  }

  private List<String> types() {
    return inbox.stream().map(Frame::type).toList();
  }

  /** Drops whatever the inbox holds. */
  public void clearInbox() {
    synchronized (inbox) {
      inbox.clear();
      taken.clear();
    }
  }
}
