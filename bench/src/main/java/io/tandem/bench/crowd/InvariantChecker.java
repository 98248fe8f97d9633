package io.tandem.bench.crowd;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the matchmaking invariants from what the clients saw plus the Redis queue at the end:
 * <ul>
 *   <li><b>matched-twice</b>: a client got {@code matched} while not waiting (already in a call, or
 *       without a {@code join-queue} since its last call);</li>
 *   <li><b>lost</b>: a client still waiting at the end (joined, never matched) that is not in the
 *       queue; <b>ghost</b>: a client that is not waiting (matched, refused with an {@code error},
 *       or its socket closed) but is still in the queue;</li>
 *   <li><b>session</b>: every sessionId pairs exactly two different clients, one {@code caller}
 *       and one {@code callee}, each naming the other as {@code peerId}.</li>
 * </ul>
 * Pure logic: the scenarios feed it {@link ClientLog}s, the unit tests feed it hand-made ones.
 */
public final class InvariantChecker {
  /** Violations kept in detail (all are counted). */
  public static final int DETAILS_KEPT = 20;

  private InvariantChecker() {}

  /** One {@code matched} frame as a client saw it. */
  public record Match(String sessionId, String peerId, String role) {}

  /** What one client did and saw, in order. Not thread-safe: synchronize externally or record on one thread. */
  public static final class ClientLog {
    enum Kind { JOIN, MATCH, END, UNDONE, REFUSED, LEFT, RESUME }

    record Event(Kind kind, Match match) {}

    private final String userId;
    private final List<Event> events = new ArrayList<>();

    public ClientLog(String userId) {
      this.userId = userId;
    }

    public String userId() {
      return userId;
    }

    /** The client sent {@code join-queue}. */
    public synchronized void joined() {
      events.add(new Event(Kind.JOIN, null));
    }

    /** The client received {@code matched}. */
    public synchronized void matched(String sessionId, String peerId, String role) {
      events.add(new Event(Kind.MATCH, new Match(sessionId, peerId, role)));
    }

    /** The client's call ended ({@code call-ended} or {@code peer-disconnected}). */
    public synchronized void ended() {
      events.add(new Event(Kind.END, null));
    }

    /**
     * The client's match was undone ({@code peer-disconnected}, reason {@code match-failed}): the
     * other side may never have heard of the session, by design.
     */
    public synchronized void undone(String sessionId) {
      events.add(new Event(Kind.UNDONE, new Match(sessionId, null, null)));
    }

    /** The client's join was answered with an {@code error} (e.g. {@code unavailable}): it is not waiting. */
    public synchronized void refused() {
      events.add(new Event(Kind.REFUSED, null));
    }

    /** The client's socket closed: it is neither waiting nor in a call any more. */
    public synchronized void left() {
      events.add(new Event(Kind.LEFT, null));
    }

    /** The client's new socket took its call back ({@code resumed}): in that call again, not waiting. */
    public synchronized void resumed(String sessionId) {
      events.add(new Event(Kind.RESUME, new Match(sessionId, null, null)));
    }

    synchronized List<Event> snapshot() {
      return List.copyOf(events);
    }

    /** True when the last join has no match after it. */
    public synchronized boolean waiting() {
      for (int i = events.size() - 1; i >= 0; i--) {
        Kind k = events.get(i).kind();
        if (k == Kind.MATCH || k == Kind.END || k == Kind.REFUSED || k == Kind.LEFT || k == Kind.RESUME) return false;
        if (k == Kind.JOIN) return true;
      }
      return false;
    }
  }

  /** The outcome: counts per kind and the first {@link #DETAILS_KEPT} violations in words. */
  public record Result(int clients, int sessions, int waitingAtEnd, Map<String, Integer> counts, List<String> details) {
    public int total() {
      return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    public boolean ok() {
      return total() == 0;
    }

    public JsonObject toJson() {
      return new JsonObject().put("clients", clients).put("sessions", sessions).put("waitingAtEnd", waitingAtEnd)
          .put("violations", total()).put("byKind", new JsonObject(new LinkedHashMap<>(counts)))
          .put("details", new JsonArray(details));
    }
  }

  /** Checks every log against the others and against the queue contents at the end. */
  public static Result check(Collection<ClientLog> clients, Set<String> queuedAtEnd) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String k : List.of("matched-twice", "lost", "ghost", "session")) counts.put(k, 0);
    List<String> details = new ArrayList<>();
    Map<String, List<Seen>> bySession = new HashMap<>();
    java.util.Set<String> undone = new java.util.HashSet<>();
    int waitingAtEnd = 0;
    for (ClientLog c : clients) {
      boolean waiting = false;
      boolean inCall = false;
      for (ClientLog.Event e : c.snapshot()) {
        switch (e.kind()) {
          case JOIN -> {
            if (!inCall) waiting = true;
          }
          case MATCH -> {
            if (!waiting) {
              violation(counts, details, "matched-twice", c.userId() + " got matched in " + e.match().sessionId()
                  + (inCall ? " while already in a call" : " without waiting"));
            }
            waiting = false;
            inCall = true;
            bySession.computeIfAbsent(e.match().sessionId(), k -> new ArrayList<>()).add(new Seen(c.userId(), e.match()));
          }
          case END -> inCall = false;
          case UNDONE -> {
            inCall = false;
            undone.add(e.match().sessionId());
          }
          case REFUSED -> {
            if (!inCall) waiting = false;
          }
          case LEFT -> {
            waiting = false;
            inCall = false;
          }
          case RESUME -> {
            waiting = false;
            inCall = true;
          }
        }
      }
      boolean queued = queuedAtEnd.contains(c.userId());
      if (waiting) {
        waitingAtEnd++;
        if (!queued) violation(counts, details, "lost", c.userId() + " joined, was never matched and is not in the queue");
      } else if (queued) {
        violation(counts, details, "ghost", c.userId() + " is in the queue although it is not waiting");
      }
    }
    for (Map.Entry<String, List<Seen>> s : bySession.entrySet()) {
      // a match undone before both sides knew it may have reached one side only; that side was told
      if (s.getValue().size() == 1 && undone.contains(s.getKey())) continue;
      String problem = sessionProblem(s.getValue());
      if (problem != null) violation(counts, details, "session", s.getKey() + ": " + problem);
    }
    return new Result(clients.size(), bySession.size(), waitingAtEnd, counts, details);
  }

  private record Seen(String userId, Match match) {}

  private static String sessionProblem(List<Seen> seen) {
    if (seen.size() != 2) return seen.size() + " clients got matched into it (expected 2)";
    Seen a = seen.get(0);
    Seen b = seen.get(1);
    if (a.userId().equals(b.userId())) return "the same client got it twice";
    boolean oneOfEach = ("caller".equals(a.match().role()) && "callee".equals(b.match().role()))
        || ("callee".equals(a.match().role()) && "caller".equals(b.match().role()));
    if (!oneOfEach) {
      return "roles " + a.match().role() + "/" + b.match().role() + " (expected caller/callee)";
    }
    if (!a.match().peerId().equals(b.userId()) || !b.match().peerId().equals(a.userId())) {
      return "peerIds do not name each other";
    }
    return null;
  }

  private static void violation(Map<String, Integer> counts, List<String> details, String kind, String detail) {
    counts.merge(kind, 1, Integer::sum);
    if (details.size() < DETAILS_KEPT) details.add(kind + ": " + detail);
  }
}
