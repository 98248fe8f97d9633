package io.tandem.bench.crowd;

import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Ws;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated user of the reliability suite: its socket, what it believes (searching, in a call
 * with whom, told to retry) and every frame it saw with its arrival time, so a fault's cost can be
 * read off afterwards (first error, close code, peer-disconnected). Frames arrive on the socket's
 * event loop; readers on other threads see a consistent state through {@code synchronized}.
 */
public final class ChaosUser implements Ws.Listener {
  /** What the user's last {@code join-queue} got. */
  public enum JoinAnswer { NONE, QUEUED, MATCHED, REFUSED }

  /** The {@code peer-disconnected} reason of a match undone before both sides knew it (docs/protocol.md). */
  public static final String MATCH_FAILED = "match-failed";

  /** A received frame with its arrival time ({@link System#nanoTime()}). */
  public record Seen(String type, JsonObject data, long nanos) {}

  public final Tokens.Token token;
  public final InvariantChecker.ClientLog log;
  private Ws ws;
  private final List<Seen> seen = new ArrayList<>();
  private String sessionId;
  /** The call the socket was in when it closed: the user may resume it. */
  private String kept;
  private String peerId;
  private String role;
  private JoinAnswer answer = JoinAnswer.NONE;
  private String refusal;
  private boolean joinedEver;
  private long lastJoinNanos;
  private boolean left;

  public ChaosUser(Ws ws) {
    this.token = ws.token;
    this.log = new InvariantChecker.ClientLog(ws.userId());
    attach(ws);
  }

  /** Uses a new socket (after a reconnect); the user keeps its identity. */
  public synchronized void attach(Ws socket) {
    this.ws = socket;
    this.left = false;
    socket.listener(this);
  }

  /** Sends {@code resume} for the call its last socket was in when it closed (as the web client does); false when there was none. */
  public boolean resume() {
    String sid;
    Ws w;
    synchronized (this) {
      sid = kept;
      w = ws;
    }
    if (sid == null) return false;
    w.send(Frames.resume(sid));
    return true;
  }

  /** The call kept from the last lost socket (to resume), or null. */
  public synchronized String kept() {
    return kept;
  }

  public String userId() {
    return token.userId();
  }

  public synchronized Ws ws() {
    return ws;
  }

  /** Sends {@code join-queue}. */
  public void join() {
    Ws w;
    synchronized (this) {
      answer = JoinAnswer.NONE;
      refusal = null;
      joinedEver = true;
      lastJoinNanos = System.nanoTime();
      log.joined();
      w = ws;
    }
    w.send(Frames.join());
  }

  public void send(String frame) {
    ws().send(frame);
  }

  @Override
  public void onFrame(Ws socket, String type, JsonObject data, long nanos) {
    synchronized (this) {
      if (socket != ws) return;
      seen.add(new Seen(type, data, nanos));
      switch (type) {
        case "queued" -> {
          if (answer == JoinAnswer.NONE) answer = JoinAnswer.QUEUED;
        }
        case "matched" -> {
          sessionId = data.getString("sessionId");
          peerId = data.getString("peerId");
          role = data.getString("role");
          answer = JoinAnswer.MATCHED;
          log.matched(sessionId, peerId, role);
        }
        case "resumed" -> {
          sessionId = data.getString("sessionId");
          peerId = data.getString("peerId");
          role = data.getString("role");
          kept = null;
          answer = JoinAnswer.MATCHED;
          log.resumed(sessionId);
        }
        case "peer-disconnected", "call-ended" -> {
          if (sessionId != null && sessionId.equals(data.getString("sessionId"))) {
            boolean undone = MATCH_FAILED.equals(data.getString("reason"));
            if (undone) log.undone(sessionId);
            else log.ended();
            sessionId = null;
            peerId = null;
            if (undone) {
              // the match was undone before both sides knew it: the user is told to search again
              answer = JoinAnswer.REFUSED;
              refusal = MATCH_FAILED;
            }
          }
          // a match-failed for a session this user never heard of: its gateway keeps it searching
        }
        case "error" -> {
          if ("resume".equals(data.getString("ref"))) kept = null;
          if ("join-queue".equals(data.getString("ref")) && answer != JoinAnswer.MATCHED) {
            answer = JoinAnswer.REFUSED;
            refusal = data.getString("code", "?");
            log.refused();
          }
        }
        default -> { }
      }
      notifyAll();
    }
  }

  @Override
  public void onClose(Ws socket) {
    synchronized (this) {
      if (socket != ws) return;
      left = true;
      kept = sessionId;
      sessionId = null;
      peerId = null;
      log.left();
      notifyAll();
    }
  }

  public synchronized String sessionId() {
    return sessionId;
  }

  public synchronized String peerId() {
    return peerId;
  }

  public synchronized String role() {
    return role;
  }

  public synchronized JoinAnswer answer() {
    return answer;
  }

  /** The error code of the last refused join, or null. */
  public synchronized String refusal() {
    return refusal;
  }

  public synchronized boolean joinedEver() {
    return joinedEver;
  }

  public synchronized long lastJoinNanos() {
    return lastJoinNanos;
  }

  /** The socket closed (and was not replaced). */
  public synchronized boolean left() {
    return left;
  }

  /** The first frame of {@code type} at or after {@code since} (nanoTime), or null. */
  public synchronized Seen first(String type, long since) {
    for (Seen s : seen) if (s.type().equals(type) && s.nanos() >= since) return s;
    return null;
  }

  /** The first frame of {@code type} at or after {@code since} whose {@code data.field} equals {@code value}, or null. */
  public synchronized Seen first(String type, long since, String field, String value) {
    for (Seen s : seen) {
      if (s.type().equals(type) && s.nanos() >= since && value.equals(s.data().getString(field))) return s;
    }
    return null;
  }

  /** Every frame of {@code type} since {@code since}. */
  public synchronized List<Seen> all(String type, long since) {
    List<Seen> out = new ArrayList<>();
    for (Seen s : seen) if (s.type().equals(type) && s.nanos() >= since) out.add(s);
    return out;
  }

  /** Waits until {@code test} holds or the deadline (nanoTime) passes; true when it holds. */
  public synchronized boolean awaitState(java.util.function.Predicate<ChaosUser> test, long deadlineNanos) throws InterruptedException {
    while (!test.test(this)) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) return false;
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 50_000_000L));
    }
    return true;
  }
}
