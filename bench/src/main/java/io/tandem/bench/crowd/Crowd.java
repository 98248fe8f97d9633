package io.tandem.bench.crowd;

import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.RedisCli;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Ws;

import io.tandem.common.RedisKeys;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * The users of one fault: connects them, pairs them into live calls, checks that live calls still
 * relay, audits them against Redis and, at the end, makes everyone leave and looks for keys left
 * behind. Everything is bounded in time.
 */
public final class Crowd {
  /** How long a set-up step (queued, matched) may take before the set-up fails. */
  public static final Duration STEP = Bench.STEP;
  /** How long every user's close may take to reach Redis before leftovers count. */
  public static final Duration DRAIN = Duration.ofSeconds(15);

  private final Bench bench;
  private final RedisCli redis;
  private final List<ChaosUser> users = new ArrayList<>();
  private final AtomicInteger relaySeq = new AtomicInteger();

  public Crowd(Bench bench, RedisCli redis) {
    this.bench = bench;
    this.redis = redis;
  }

  /** A snapshot of every user so far (probes add theirs from other threads). */
  public synchronized List<ChaosUser> users() {
    return new ArrayList<>(users);
  }

  /** {@code n} new users (tokens from auth-service), user i on gateway {@code gatewayOf(i)}. */
  public List<ChaosUser> add(int n, IntUnaryOperator gatewayOf) throws Exception {
    return add(bench.fetchTokens(n), gatewayOf);
  }

  public List<ChaosUser> add(List<Tokens.Token> tokens, IntUnaryOperator gatewayOf) throws Exception {
    List<ChaosUser> out = new ArrayList<>();
    for (Ws w : bench.connectBlocking(tokens, gatewayOf)) out.add(new ChaosUser(w));
    synchronized (this) {
      users.addAll(out);
    }
    return out;
  }

  /** Adds a user that was connected elsewhere (a probe). */
  public synchronized void adopt(ChaosUser u) {
    users.add(u);
  }

  /** A live call: {@code caller} joined first, {@code callee} second. */
  public record Call(ChaosUser caller, ChaosUser callee, String sessionId) {}

  /** Makes live calls one pair at a time: callers.get(i) with callees.get(i). Nobody else may be waiting. */
  public List<Call> pair(List<ChaosUser> callers, List<ChaosUser> callees) throws Exception {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < callers.size(); i++) {
      ChaosUser a = callers.get(i);
      ChaosUser b = callees.get(i);
      a.join();
      if (!a.awaitState(u -> u.answer() == ChaosUser.JoinAnswer.QUEUED, deadline(STEP))) {
        throw new IllegalStateException("set-up: " + a.userId() + " got no 'queued' within " + STEP.toMillis() + " ms");
      }
      b.join();
      long d = deadline(STEP);
      if (!b.awaitState(u -> u.sessionId() != null, d) || !a.awaitState(u -> u.sessionId() != null, d)
          || !a.sessionId().equals(b.sessionId())) {
        throw new IllegalStateException("set-up: " + a.userId() + " and " + b.userId() + " were not matched with each other");
      }
      calls.add(new Call(a, b, a.sessionId()));
    }
    return calls;
  }

  /** How many of the calls relayed a candidate both ways within {@code wait}, and the slowest relay. */
  public record RelayResult(int calls, int delivered, int lost, double maxMs) {
    public JsonObject toJson() {
      return new JsonObject().put("calls", calls).put("delivered", delivered).put("lost", lost).put("maxMs", maxMs);
    }
  }

  /** Each call's caller and callee send one ICE candidate to the other; counts calls where both arrived. */
  public RelayResult relay(List<Call> calls, Duration wait) throws InterruptedException {
    record Sent(Call call, String tagA, String tagB, long nanos) {}
    List<Sent> sent = new ArrayList<>();
    for (Call c : calls) {
      String sid = c.sessionId();
      String ta = "candidate:relay-" + relaySeq.incrementAndGet() + " 1 udp 2122260223 127.0.0.1 50000 typ host";
      String tb = "candidate:relay-" + relaySeq.incrementAndGet() + " 1 udp 2122260223 127.0.0.1 50001 typ host";
      long t = System.nanoTime();
      c.caller().send(Frames.candidate(sid, ta));
      c.callee().send(Frames.candidate(sid, tb));
      sent.add(new Sent(c, ta, tb, t));
    }
    long deadline = deadline(wait);
    int delivered = 0;
    double maxMs = 0;
    for (Sent s : sent) {
      boolean toCallee = s.call().callee().awaitState(u -> gotCandidate(u, s.tagA(), s.nanos()) > 0, deadline);
      boolean toCaller = s.call().caller().awaitState(u -> gotCandidate(u, s.tagB(), s.nanos()) > 0, deadline);
      if (toCallee && toCaller) {
        delivered++;
        long at = Math.max(gotCandidate(s.call().callee(), s.tagA(), s.nanos()), gotCandidate(s.call().caller(), s.tagB(), s.nanos()));
        maxMs = Math.max(maxMs, (at - s.nanos()) / 1e6);
      }
    }
    return new RelayResult(calls.size(), delivered, calls.size() - delivered, maxMs);
  }

  /** Arrival time of the candidate {@code tag}, or 0. */
  public static long gotCandidate(ChaosUser u, String tag, long since) {
    for (ChaosUser.Seen s : u.all("candidate", since)) {
      JsonObject c = s.data().getJsonObject("candidate");
      if (c != null && tag.equals(c.getString("candidate"))) return s.nanos();
    }
    return 0;
  }

  /** Audits every user against Redis (sessions, queue) and runs the matching invariants. */
  public Audit audit() throws IOException {
    Map<String, SessionAudit.Pair> sessions = sessions();
    HashSet<String> queued = new HashSet<>(redis.list("ZRANGE", RedisKeys.QUEUE, "0", "-1"));
    List<ChaosUser> users = users();
    List<SessionAudit.UserView> views = users.stream().map(SessionAudit.UserView::of).toList();
    SessionAudit.Result r = SessionAudit.audit(views, sessions, queued);
    InvariantChecker.Result inv = InvariantChecker.check(users.stream().map(u -> u.log).toList(), queued);
    return new Audit(r, inv);
  }

  /** The session check and the matching invariants together. */
  public record Audit(SessionAudit.Result sessions, InvariantChecker.Result matching) {
    public int violations() {
      return sessions.total() + matching.total();
    }

    public JsonObject toJson() {
      return new JsonObject().put("sessions", sessions.toJson()).put("matching", matching.toJson());
    }
  }

  /** Every {@code session:*} in Redis with its caller and callee. */
  public Map<String, SessionAudit.Pair> sessions() throws IOException {
    Map<String, SessionAudit.Pair> out = new LinkedHashMap<>();
    for (String key : redis.keys(RedisKeys.SESSION_PREFIX + "*")) {
      String sid = key.substring(RedisKeys.SESSION_PREFIX.length());
      String caller = redis.hget(key, "caller");
      String callee = redis.hget(key, "callee");
      out.put(sid, new SessionAudit.Pair(caller == null ? "?" : caller, callee == null ? "?" : callee));
    }
    return out;
  }

  /**
   * Every user leaves (closes its socket); waits up to {@link #DRAIN} for Redis to forget them and
   * returns the per-user or per-call keys still there.
   */
  public List<String> leaveAll() throws Exception {
    for (ChaosUser u : users()) u.ws().close().await(10, TimeUnit.SECONDS);
    long deadline = deadline(DRAIN);
    List<String> left;
    do {
      left = SessionAudit.leftovers(redis.keys("*"));
      if (left.isEmpty()) return left;
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    return left;
  }

  public static long deadline(Duration d) {
    return System.nanoTime() + d.toNanos();
  }
}
