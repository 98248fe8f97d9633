package io.tandem.bench.load;

import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Ws;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whole call cycles from ONE client loop, one after the other, the method of issue 13's comparison:
 * A joins and is {@code queued}; B joins; both hold {@code matched}; A sends the offer, B answers,
 * A sends 3 ICE candidates and a chat line, A presses Next ({@code end-call}); A hears
 * {@code call-ended} and B {@code peer-disconnected}. Every step waits for the previous one.
 * <p>
 * The same messages (nine: the two joins, offer, answer, three candidates, chat, Next), with the
 * same sizes and in the same order, also go through the bare relay ({@link #bare}): no logic, no
 * Redis, the transport's floor for the cycle.
 * <p>
 * The loop is event-driven on the client's event loops (no blocking thread in between, like a
 * Node.js client): send times are taken on the sending socket's event loop right before the write,
 * arrival times on the receiving socket's event loop.
 */
final class CallCycles {
  /** Least time between two cycles of the same user: the gateway allows one join per second per socket. */
  static final long USER_REUSE_NANOS = 1_100_000_000L;
  /** Candidates per cycle. */
  static final int CANDIDATES = 3;
  /** How long one step may wait for its frame. */
  static final Duration STEP = Duration.ofSeconds(5);

  /**
   * Users taking turns. Tandem pools rotate partners: in pass {@code p} slot {@code s} pairs user
   * {@code 2s} with user {@code 2s + 1 + 2p} (mod N), so nobody meets the same partner again
   * within N/2 passes (the matchmaker does not re-pair people who just parted). The bare relay's
   * partners are fixed by their URL. Each user takes part at most once per {@link #USER_REUSE_NANOS}.
   */
  static final class Pool {
    final List<Ws> users;
    final boolean rotate;
    final long[] lastUsed;
    final boolean[] dead;
    /** Per socket: the frame type it waits for and who waits. */
    final Map<Ws, Map<String, Promise<Ws.Frame>>> expected = new ConcurrentHashMap<>();
    long cycle;

    Pool(List<Ws> users, boolean rotate) {
      if (users.size() < 2 || users.size() % 2 != 0) throw new IllegalArgumentException("a pool needs an even number of users, got " + users.size());
      this.users = users;
      this.rotate = rotate;
      this.lastUsed = new long[users.size()];
      this.dead = new boolean[users.size()];
      for (Ws w : users) {
        Map<String, Promise<Ws.Frame>> mine = new ConcurrentHashMap<>();
        expected.put(w, mine);
        w.listener((ws, type, data, nanos) -> {
          Promise<Ws.Frame> p = mine.remove(type);
          if (p != null) p.tryComplete(new Ws.Frame(type, data, nanos));
        });
      }
    }

    /** The next two live users {a, b} and how long to wait before using them, ns. */
    long[] next() {
      for (int tries = 0; tries < users.size(); tries++) {
        int[] ab = users(users.size(), cycle++, rotate);
        int a = ab[0];
        int b = ab[1];
        if (dead[a] || dead[b]) continue;
        long wait = lastUsed[a] + lastUsed[b] == 0 ? 0 : Math.max(lastUsed[a], lastUsed[b]) + USER_REUSE_NANOS - System.nanoTime();
        return new long[] {a, b, Math.max(0, wait)};
      }
      throw new IllegalStateException("every user of the pool failed");
    }

    /** The two users of cycle {@code c} among {@code n}: {2s, 2s + 1 + 2p mod n} (p = 0 without rotation). */
    static int[] users(int n, long c, boolean rotate) {
      int half = n / 2;
      int slot = (int) (c % half);
      int pass = rotate ? (int) ((c / half) % half) : 0;
      return new int[] {2 * slot, (2 * slot + 1 + 2 * pass) % n};
    }

    void used(int a, int b) {
      lastUsed[a] = lastUsed[b] = System.nanoTime();
    }

    /** The next frame of {@code type} on {@code ws}; register before sending what causes it. */
    Future<Ws.Frame> expect(Vertx vertx, Ws ws, String type) {
      Promise<Ws.Frame> p = Promise.promise();
      expected.get(ws).put(type, p);
      long timer = vertx.setTimer(STEP.toMillis(), t -> {
        expected.get(ws).remove(type, p);
        p.tryFail("no '" + type + "' within " + STEP.toMillis() + " ms on " + ws.userId());
      });
      return p.future().andThen(ar -> vertx.cancelTimer(timer));
    }

    void closeAll() throws Exception {
      Future.join(users.stream().map(Ws::close).toList()).await(60, TimeUnit.SECONDS);
    }
  }

  /** What a run of cycles measured. */
  static final class Stats {
    final Latency match = new Latency();
    final Latency offer = new Latency();
    final Latency candidate = new Latency();
    final Latency chat = new Latency();
    long cycles;
    int failures;
    final List<String> failureDetails = new ArrayList<>();
    double seconds;

    double cyclesPerSecond() {
      return cycles / Math.max(seconds, 1e-9);
    }

    JsonObject toJson() {
      return new JsonObject().put("cycles", cycles).put("seconds", seconds).put("cyclesPerSecond", cyclesPerSecond())
          .put("timeToMatch", match.summary().toJson()).put("offerRelay", offer.summary().toJson())
          .put("candidateRelay", candidate.summary().toJson()).put("chatRelay", chat.summary().toJson())
          .put("failures", failures).put("failureDetails", failureDetails);
    }

    synchronized void fail(String what) {
      failures++;
      if (failureDetails.size() < 10) failureDetails.add(what);
    }
  }

  /** A send time taken on the sender's event loop. */
  private static final class Stamp {
    volatile long nanos;
  }

  private CallCycles() {}

  private static Stamp send(Ws ws, String frame) {
    Stamp s = new Stamp();
    ws.run(() -> {
      s.nanos = System.nanoTime();
      ws.writeOnContext(frame);
    });
    return s;
  }

  /** One cycle on users a and b. */
  private interface Cycle {
    Future<Void> run(Vertx vertx, Pool pool, Ws a, Ws b, Stats st, String sdp);
  }

  /** {@code cycles} Tandem call cycles on the pool, one after the other (blocks the caller until done). */
  static Stats tandem(Vertx vertx, Pool pool, int cycles, String sdp) throws Exception {
    return loop(vertx, pool, cycles, sdp, CallCycles::tandemCycle);
  }

  /** The same messages through the bare relay, each forwarded as it is. */
  static Stats bare(Vertx vertx, Pool pool, int cycles, String sdp) throws Exception {
    return loop(vertx, pool, cycles, sdp, CallCycles::bareCycle);
  }

  private static Stats loop(Vertx vertx, Pool pool, int cycles, String sdp, Cycle cycle) throws Exception {
    Stats st = new Stats();
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    vertx.runOnContext(v -> step(vertx, pool, cycles, sdp, cycle, st, done));
    done.future().await(Math.max(120, cycles / 10), TimeUnit.SECONDS);
    st.seconds = (System.nanoTime() - start) / 1e9;
    return st;
  }

  private static void step(Vertx vertx, Pool pool, int left, String sdp, Cycle cycle, Stats st, Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    long[] next;
    try {
      next = pool.next();
    } catch (RuntimeException e) {
      done.fail(e);
      return;
    }
    int ia = (int) next[0];
    int ib = (int) next[1];
    Runnable go = () -> {
      pool.used(ia, ib);
      Ws a = pool.users.get(ia);
      Ws b = pool.users.get(ib);
      cycle.run(vertx, pool, a, b, st, sdp).onComplete(ar -> {
        if (ar.succeeded()) {
          st.cycles++;
          step(vertx, pool, left - 1, sdp, cycle, st, done);
          return;
        }
        st.fail(ar.cause().getMessage());
        // a half-done cycle could leave A waiting and pair it with the next cycle's A: close both
        pool.dead[ia] = true;
        pool.dead[ib] = true;
        Future.join(a.close(), b.close()).onComplete(x -> vertx.setTimer(200, t -> step(vertx, pool, left - 1, sdp, cycle, st, done)));
      });
    };
    if (next[2] > 0) vertx.setTimer(Math.max(1, next[2] / 1_000_000), t -> go.run());
    else go.run();
  }

  private static Future<Void> tandemCycle(Vertx vertx, Pool pool, Ws a, Ws b, Stats st, String sdp) {
    Future<Ws.Frame> queued = pool.expect(vertx, a, "queued");
    a.send(Frames.join());
    return queued.compose(q -> {
      Future<Ws.Frame> mb = pool.expect(vertx, b, "matched");
      Future<Ws.Frame> ma = pool.expect(vertx, a, "matched");
      Stamp t = send(b, Frames.join());
      return Future.all(ma, mb).map(x -> {
        Ws.Frame fa = ma.result();
        Ws.Frame fb = mb.result();
        String sid = fa.data().getString("sessionId");
        if (!sid.equals(fb.data().getString("sessionId")) || !b.userId().equals(fa.data().getString("peerId"))) {
          throw new IllegalStateException("paired with someone else");
        }
        st.match.recordNanos(Math.max(fa.nanos(), fb.nanos()) - t.nanos);
        return sid;
      });
    }).compose(sid -> signaling(vertx, pool, a, b, st, sid, sdp, Kinds.TANDEM))
        .compose(sid -> {
          Future<Ws.Frame> ended = pool.expect(vertx, a, "call-ended");
          Future<Ws.Frame> left = pool.expect(vertx, b, "peer-disconnected");
          a.send(Frames.endCall(sid));
          return Future.all(ended, left).mapEmpty();
        });
  }

  /**
   * The frame types the receiving side sees for each step: Tandem's relayed types, or the sender's own
   * types, which the bare relay forwards unchanged.
   */
  private record Kinds(String offer, String answer, String candidate, String message) {
    static final Kinds TANDEM = new Kinds("offer", "answer", "candidate", "message");
    static final Kinds BARE = new Kinds("send-offer", "send-answer", "send-candidate", "send-message");
  }

  /** The call's middle, the same on both systems: offer (timed), answer, the candidates (timed), a chat line (timed). */
  private static Future<String> signaling(Vertx vertx, Pool pool, Ws a, Ws b, Stats st, String sid, String sdp, Kinds kinds) {
    Future<Ws.Frame> offer = pool.expect(vertx, b, kinds.offer());
    Stamp sent = send(a, Frames.offer(sid, sdp));
    return offer.compose(f -> {
      st.offer.recordNanos(f.nanos() - sent.nanos);
      Future<Ws.Frame> answer = pool.expect(vertx, a, kinds.answer());
      b.send(Frames.answer(sid, sdp));
      return answer;
    }).compose(f -> candidates(vertx, pool, a, b, st, sid, kinds.candidate(), 0))
        .compose(x -> {
          Future<Ws.Frame> msg = pool.expect(vertx, b, kinds.message());
          Stamp t = send(a, Frames.message(sid, "hi, how are you?"));
          return msg.map(f -> {
            st.chat.recordNanos(f.nanos() - t.nanos);
            return sid;
          });
        });
  }

  private static Future<String> candidates(Vertx vertx, Pool pool, Ws a, Ws b, Stats st, String sid, String type, int k) {
    if (k == CANDIDATES) return Future.succeededFuture(sid);
    Future<Ws.Frame> c = pool.expect(vertx, b, type);
    Stamp t = send(a, Frames.candidate(sid, "candidate:" + k + " 1 udp 2122260223 127.0.0.1 5000" + k + " typ host"));
    return c.compose(f -> {
      st.candidate.recordNanos(f.nanos() - t.nanos);
      return candidates(vertx, pool, a, b, st, sid, type, k + 1);
    });
  }

  private static Future<Void> bareCycle(Vertx vertx, Pool pool, Ws a, Ws b, Stats st, String sdp) {
    String sid = "bare-session";
    Future<Ws.Frame> joined = pool.expect(vertx, b, "join-queue"); // stands for A's join and "queued"
    a.send(Frames.join());
    return joined.compose(j -> {
      // B's join reaching A: one hop (Tandem's match is that hop plus the pairing script)
      Future<Ws.Frame> m = pool.expect(vertx, a, "matched");
      Stamp t = send(b, "{\"type\":\"matched\",\"data\":{\"sessionId\":\"" + sid + "\",\"role\":\"caller\"}}");
      return m.map(f -> {
        st.match.recordNanos(f.nanos() - t.nanos);
        return sid;
      });
    }).compose(s -> signaling(vertx, pool, a, b, st, sid, sdp, Kinds.BARE))
        .compose(s -> {
          Future<Ws.Frame> end = pool.expect(vertx, b, "end-call");
          a.send(Frames.endCall(sid));
          return end.mapEmpty();
        });
  }
}
