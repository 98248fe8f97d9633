package io.tandem.bench.faults;

import io.tandem.bench.load.CapacityWorker;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.ReconnectPolicy;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Ws;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated user of the reconnect storm. Before the fault: a socket, a join, a {@code matched}.
 * When its socket is lost during the call it behaves like the web client ({@link ReconnectPolicy}):
 * a new socket to the surviving gateway after a random 0–500 ms, {@code resume} as its first frame,
 * {@code resume} again after 1 s when the store is busy, backoff (capped at 2 s) for attempts that
 * never open, and gives up at the grace window plus the client's margin.
 */
final class StormUser implements Ws.Listener {
  /** How a user's storm ended. */
  enum Outcome { RESUMED, SESSION_GONE, GAVE_UP }

  /** Counters shared by every user of one run. */
  static final class Shared {
    final Vertx vertx;
    final WebSocketClient client;
    final int survivorPort;
    final int survivorIndex;
    volatile StormTimeline timeline;
    volatile long deadlineNanos;
    final AtomicInteger finished = new AtomicInteger();
    final AtomicInteger droppedAfterResume = new AtomicInteger();
    final AtomicInteger resumeRetries = new AtomicInteger();
    final AtomicInteger candidatesDelivered = new AtomicInteger();
    final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> setupErrors = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> peerNotices = new ConcurrentHashMap<>();

    Shared(Vertx vertx, WebSocketClient client, int survivorPort, int survivorIndex) {
      this.vertx = vertx;
      this.client = client;
      this.survivorPort = survivorPort;
      this.survivorIndex = survivorIndex;
    }

    void count(Map<String, AtomicInteger> m, String key) {
      m.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }
  }

  /** A join refused during the set-up is sent again after this (the per-socket budget is one join a second). */
  static final long REJOIN_MS = 1_500;

  private final Shared shared;
  final Tokens.Token token;
  private Ws ws;
  private volatile String sessionId;
  private volatile String role;
  private volatile boolean storm;
  private int attempt;
  private int quick;
  private Outcome outcome;
  private volatile long resumedNanos;
  private volatile long openedNanos;
  private int connects;

  StormUser(Shared shared, Tokens.Token token) {
    this.shared = shared;
    this.token = token;
  }

  /** Takes over a freshly connected socket (before the fault). */
  synchronized StormUser attach(Ws w) {
    this.ws = w;
    w.listener(this);
    return this;
  }

  synchronized Ws ws() {
    return ws;
  }

  String sessionId() {
    return sessionId;
  }

  String role() {
    return role;
  }

  String userId() {
    return token.userId();
  }

  synchronized Outcome outcome() {
    return outcome;
  }

  long resumedNanos() {
    return resumedNanos;
  }

  /** When the socket that resumed opened ({@link System#nanoTime()}). */
  long openedNanos() {
    return openedNanos;
  }

  synchronized int connects() {
    return connects;
  }

  /** From now on a lost socket is replaced as the web client does (call before the fault). */
  void arm() {
    storm = true;
  }

  @Override
  public void onFrame(Ws w, String type, JsonObject data, long nanos) {
    switch (type) {
      case "matched" -> {
        if (sessionId == null) {
          sessionId = data.getString("sessionId");
          role = data.getString("role");
        }
      }
      case "resumed" -> resumed(data, nanos);
      case "error" -> error(w, data);
      case "candidate" -> shared.candidatesDelivered.incrementAndGet();
      case "peer-reconnecting", "peer-resumed", "peer-disconnected" -> shared.count(shared.peerNotices, type);
      default -> { }
    }
  }

  private synchronized void resumed(JsonObject data, long nanos) {
    if (outcome != null || !data.getString("sessionId", "").equals(sessionId)) return;
    resumedNanos = nanos;
    finish(Outcome.RESUMED, nanos);
  }

  private void error(Ws w, JsonObject data) {
    String code = data.getString("code", "?");
    if (!storm) {
      // set-up: a join the store could not take now is tried again, within the one-join-per-second budget
      shared.count(shared.setupErrors, code);
      if ("join-queue".equals(data.getString("ref")) && sessionId == null) shared.vertx.setTimer(REJOIN_MS, t -> w.send(Frames.join()));
      return;
    }
    shared.count(shared.errors, code);
    synchronized (this) {
      if (!storm || outcome != null || w != ws) return;
      if (code.equals("session-gone")) {
        finish(Outcome.SESSION_GONE, System.nanoTime());
      } else if ("resume".equals(data.getString("ref")) && (code.equals("unavailable") || code.equals("internal") || code.equals("rate-limited"))) {
        shared.resumeRetries.incrementAndGet();
        shared.vertx.setTimer(ReconnectPolicy.RESUME_RETRY_MS, t -> resendResume(w));
      }
    }
  }

  private synchronized void resendResume(Ws w) {
    if (outcome == null && w == ws && !w.isClosed()) w.send(Frames.resume(sessionId));
  }

  @Override
  public void onClose(Ws w) {
    synchronized (this) {
      if (w != ws || !storm) return;
      if (outcome == Outcome.RESUMED) {
        shared.droppedAfterResume.incrementAndGet();
        return;
      }
      if (outcome != null) return;
    }
    lost(true);
  }

  /** The socket went away (or an attempt failed): the next attempt as the web client plans it. */
  private synchronized void lost(boolean opened) {
    if (outcome != null) return;
    long delay = ReconnectPolicy.urgentDelay(opened, quick, attempt, ThreadLocalRandom.current().nextDouble());
    if (opened && quick < ReconnectPolicy.URGENT_QUICK_TRIES) quick++;
    else attempt++;
    if (System.nanoTime() + delay * 1_000_000L >= shared.deadlineNanos) {
      giveUp();
      return;
    }
    shared.vertx.setTimer(Math.max(1, delay), t -> connect());
  }

  private void connect() {
    synchronized (this) {
      if (outcome != null) return;
    }
    shared.timeline.add(StormTimeline.Kind.ATTEMPTED, System.nanoTime());
    Ws.connect(shared.client, shared.survivorPort, shared.survivorIndex, token, ReconnectPolicy.CONNECT_TIMEOUT_MS).onComplete(ar -> {
      long now = System.nanoTime();
      if (ar.failed()) {
        shared.timeline.add(CapacityWorker.busy(ar.cause()) ? StormTimeline.Kind.REFUSED : StormTimeline.Kind.FAILED, now);
        lost(false);
        return;
      }
      Ws w = ar.result();
      shared.timeline.add(StormTimeline.Kind.CONNECTED, now);
      synchronized (this) {
        connects++;
        openedNanos = now;
        if (outcome != null) {
          w.close();
          return;
        }
        ws = w;
        w.listener(this);
        w.send(Frames.resume(sessionId));
      }
    });
  }

  /** Past the client's deadline (grace window + margin): the call is given up. */
  synchronized void giveUp() {
    if (outcome == null) finish(Outcome.GAVE_UP, System.nanoTime());
  }

  private void finish(Outcome o, long nanos) {
    outcome = o;
    if (o == Outcome.RESUMED) shared.timeline.add(StormTimeline.Kind.RESUMED, nanos);
    if (o == Outcome.SESSION_GONE) shared.timeline.add(StormTimeline.Kind.GONE, nanos);
    shared.finished.incrementAndGet();
  }
}
