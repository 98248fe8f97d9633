package io.tandem.bench.crowd;

import io.tandem.common.RedisKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reliability suite's end-of-fault checks, comparing what each client believes with what Redis
 * holds (pure logic; {@link Crowd} gathers the inputs):
 * <ul>
 *   <li><b>one-sided-session</b>: a {@code session:*} in Redis that one of its two users (or both)
 *       is not in, as far as that user knows — a half-made session; counted per unaware user;</li>
 *   <li><b>ghost-call</b>: a user who believes it is in a call that Redis or its peer does not know;</li>
 *   <li><b>stuck</b>: a connected user who joined and is now neither in a call both sides know, nor
 *       waiting in the queue, nor told to retry (an {@code error} other than {@code in-session});</li>
 *   <li><b>leftover-keys</b> ({@link #leftovers}): per-user or per-call keys still in Redis once every
 *       user left.</li>
 * </ul>
 * Every connected user that joined ends in exactly one class: in-call, waiting, told-to-retry,
 * idle (its call ended) or stuck.
 */
public final class SessionAudit {
  /** Key prefixes that hold per-user or per-call state: none may remain once everyone left. */
  public static final List<String> PER_USER_PREFIXES = List.of(RedisKeys.USER_PREFIX, RedisKeys.SESSION_PREFIX,
      RedisKeys.NODE_USERS_PREFIX, RedisKeys.INTEREST_QUEUE_PREFIX);
  /** Keys that must be gone (Redis drops empty sets) once everyone left. */
  public static final List<String> PER_USER_KEYS = List.of(RedisKeys.ONLINE, RedisKeys.QUEUE, RedisKeys.QUEUE_PLAIN);

  private SessionAudit() {}

  /** What one user believes at the end. */
  public record UserView(String userId, boolean connected, boolean joinedEver, String sessionId,
                         ChaosUser.JoinAnswer answer, String refusal) {
    static UserView of(ChaosUser u) {
      synchronized (u) {
        return new UserView(u.userId(), !u.left(), u.joinedEver(), u.sessionId(), u.answer(), u.refusal());
      }
    }
  }

  /** The two users of a Redis session. */
  public record Pair(String caller, String callee) {}

  /** Counts per class and per violation kind, the first details in words. */
  public record Result(Map<String, Integer> classes, Map<String, Integer> violations, List<String> details) {
    public int total() {
      return violations.values().stream().mapToInt(Integer::intValue).sum();
    }

    public JsonObject toJson() {
      return new JsonObject().put("classes", new JsonObject(new LinkedHashMap<>(classes)))
          .put("violations", new JsonObject(new LinkedHashMap<>(violations))).put("details", new JsonArray(details));
    }
  }

  /** Checks the users against the sessions and queue in Redis. */
  public static Result audit(List<UserView> users, Map<String, Pair> sessions, Set<String> queued) {
    Map<String, Integer> classes = new LinkedHashMap<>();
    for (String k : List.of("in-call", "waiting", "told-to-retry", "idle", "left", "stuck")) classes.put(k, 0);
    Map<String, Integer> violations = new LinkedHashMap<>();
    for (String k : List.of("one-sided-session", "ghost-call", "stuck")) violations.put(k, 0);
    List<String> details = new ArrayList<>();
    Map<String, UserView> byId = new HashMap<>();
    for (UserView u : users) byId.put(u.userId(), u);
    Map<String, String> redisSessionOf = new HashMap<>();
    for (Map.Entry<String, Pair> s : sessions.entrySet()) {
      redisSessionOf.put(s.getValue().caller(), s.getKey());
      redisSessionOf.put(s.getValue().callee(), s.getKey());
      for (String member : List.of(s.getValue().caller(), s.getValue().callee())) {
        UserView u = byId.get(member);
        if (u == null || !u.connected() || !s.getKey().equals(u.sessionId())) {
          add(violations, details, "one-sided-session", "session " + s.getKey() + " in Redis names " + member + ", who "
              + (u == null ? "is not a client of this run" : !u.connected() ? "has left" : u.sessionId() == null
              ? "is not in a call" : "is in another call " + u.sessionId()));
        }
      }
    }
    for (UserView u : users) {
      if (!u.connected()) {
        classes.merge("left", 1, Integer::sum);
        continue;
      }
      String cls;
      String why = null;
      if (u.sessionId() != null) {
        Pair p = sessions.get(u.sessionId());
        String peer = p == null ? null : u.userId().equals(p.caller()) ? p.callee() : u.userId().equals(p.callee()) ? p.caller() : null;
        UserView pv = peer == null ? null : byId.get(peer);
        if (p == null || peer == null) {
          add(violations, details, "ghost-call", u.userId() + " is in call " + u.sessionId() + ", which Redis does not hold for it");
          cls = "stuck";
          why = "in a call Redis does not know";
        } else if (pv == null || !pv.connected() || !u.sessionId().equals(pv.sessionId())) {
          add(violations, details, "ghost-call", u.userId() + " is in call " + u.sessionId() + ", which its peer " + peer + " does not know");
          cls = "stuck";
          why = "in a call its peer does not know";
        } else {
          cls = "in-call";
        }
      } else if (!u.joinedEver()) {
        cls = "idle";
      } else {
        boolean inQueue = queued.contains(u.userId());
        switch (u.answer()) {
          case QUEUED -> {
            cls = inQueue ? "waiting" : "stuck";
            if (!inQueue) why = "told queued but not in the queue";
          }
          case MATCHED -> {
            cls = "idle";
          }
          case REFUSED -> {
            if ("in-session".equals(u.refusal())) {
              cls = "stuck";
              why = "refused with in-session while not in a call" + (redisSessionOf.containsKey(u.userId()) ? " (Redis holds "
                  + redisSessionOf.get(u.userId()) + ")" : "");
            } else if (inQueue) {
              cls = "stuck";
              why = "told to retry (" + u.refusal() + ") but still in the queue";
            } else {
              cls = "told-to-retry";
            }
          }
          default -> {
            cls = "stuck";
            why = "its join-queue was never answered" + (inQueue ? " (it is in the queue)" : "");
          }
        }
      }
      classes.merge(cls, 1, Integer::sum);
      if (why != null && !"in a call Redis does not know".equals(why) && !"in a call its peer does not know".equals(why)) {
        add(violations, details, "stuck", u.userId() + " " + why);
      } else if (why != null) {
        violations.merge("stuck", 1, Integer::sum);
      }
    }
    return new Result(classes, violations, details);
  }

  /** Per-user or per-call keys among {@code keys} (all keys in Redis once every user left). */
  public static List<String> leftovers(List<String> keys) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      if (PER_USER_KEYS.contains(k) || PER_USER_PREFIXES.stream().anyMatch(k::startsWith)) out.add(k);
    }
    out.sort(null);
    return out;
  }

  private static void add(Map<String, Integer> violations, List<String> details, String kind, String detail) {
    violations.merge(kind, 1, Integer::sum);
    if (details.size() < InvariantChecker.DETAILS_KEPT) details.add(kind + ": " + detail);
  }
}
