package io.tandem.it;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A test user who behaves as the web client does when its socket drops mid-call: reconnects through
 * the load balancer at once (0–500 ms jitter), retries every {@link #RETRY_MS} while the gateways
 * refuse, sends {@code resume} first, and records how long it was without signaling.
 */
final class ResumingClient {
  /** Spread of the first reconnect after a drop (the web client's RESTART_JITTER_MS). */
  static final int JITTER_MS = 500;
  /** Pause between reconnect attempts that failed. */
  static final int RETRY_MS = 200;

  private final Vertx vertx;
  private final ScheduledExecutorService timers;
  private final int port;
  private final String token;
  private final String name;
  private volatile WsClient socket;
  private volatile String sessionId;
  private volatile long lostAt;
  private volatile boolean away;
  /** Times without signaling, ms, one per drop. */
  final List<Long> offlineMs = new CopyOnWriteArrayList<>();
  /** Sockets lost mid-call. */
  volatile int drops;
  /** Why the call ended for this user (peer-disconnected reason, or session-gone), or null while it goes on. */
  volatile String ended;

  ResumingClient(Vertx vertx, ScheduledExecutorService timers, int port, String name) throws Exception {
    this.vertx = vertx;
    this.timers = timers;
    this.port = port;
    this.name = name;
    this.token = Http.token(port, name).getString("accessToken");
    attach(WsClient.connect(vertx, port, token));
  }

  WsClient socket() {
    return socket;
  }

  String sessionId() {
    return sessionId;
  }

  void inCall(String sid) {
    this.sessionId = sid;
  }

  /** True while connected and not waiting for a resume answer. */
  boolean settled() {
    return !away && socket != null && !socket.isClosed();
  }

  private void attach(WsClient ws) {
    socket = ws;
    ws.onFrame(this::onFrame).onClose(() -> {
      if (ws != socket || sessionId == null || ended != null) return;
      away = true;
      drops++;
      lostAt = System.nanoTime();
      timers.schedule(this::reconnect, ThreadLocalRandom.current().nextInt(JITTER_MS + 1), TimeUnit.MILLISECONDS);
    });
  }

  private void onFrame(JsonObject f) {
    JsonObject d = f.getJsonObject("data", new JsonObject());
    switch (f.getString("type")) {
      case "resumed" -> {
        offlineMs.add((System.nanoTime() - lostAt) / 1_000_000);
        away = false;
      }
      case "peer-disconnected" -> ended = "peer-disconnected:" + d.getString("reason");
      case "error" -> {
        if ("session-gone".equals(d.getString("code"))) ended = "session-gone";
      }
      default -> { }
    }
  }

  private void reconnect() {
    try {
      WsClient ws = WsClient.connect(vertx, port, token);
      attach(ws);
      ws.sendNow("resume", new JsonObject().put("sessionId", sessionId));
    } catch (Exception refused) {
      timers.schedule(this::reconnect, RETRY_MS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return name;
  }

  void close() {
    sessionId = null;
    if (socket != null) socket.close();
  }
}
