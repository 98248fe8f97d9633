package io.tandem.bench.faults;

import io.tandem.bench.crowd.ChaosUser;
import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.crowd.MatchProbe;
import io.tandem.bench.crowd.Reconnects;
import io.tandem.bench.run.Signals;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;
import io.tandem.bench.run.Ws;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * (d) Redis restarted empty ({@code kill -9}, then a new {@code redis-server} on the same port, no
 * persistence: every key lost) with live calls and a waiting user. Right after, one client presents
 * a token whose {@code kid} the gateways do not know (as after a key rotation), which makes a
 * gateway reload its keys from the now empty Redis. Then: do valid tokens issued before the loss
 * still open sockets, do new tokens work, does matching resume, and what did the users see?
 */
public final class RedisRestart implements Fault {
  /** A {@code kid} no auth-service ever issued. */
  static final String UNKNOWN_KID = "bench-unknown-kid";

  @Override
  public String id() {
    return "redis-restart";
  }

  @Override
  public String title() {
    return "Redis restarted empty (all data lost) with live calls";
  }

  @Override
  public FaultReport run(FaultEnv env) throws Exception {
    FaultEnv.Params p = env.p();
    Topology topo = env.topology();
    int calls = Math.max(2, p.calls() / 2);
    FaultReport r = new FaultReport(id(), title() + " (" + calls + " calls across gateways, 1 user waiting)");
    Crowd crowd = env.crowd();
    List<ChaosUser> a = crowd.add(calls, i -> 0);
    List<ChaosUser> b = crowd.add(calls, i -> 1);
    List<Crowd.Call> live = crowd.pair(a, b);
    ChaosUser waiting = crowd.add(1, i -> 0).get(0);
    waiting.join();
    if (!waiting.awaitState(u -> u.answer() == ChaosUser.JoinAnswer.QUEUED, Crowd.deadline(Crowd.STEP))) {
      throw new IllegalStateException("set-up: the waiting user got no 'queued'");
    }
    Tokens.Token spare = env.bench().fetchTokens(1).get(0);

    long t0 = System.nanoTime();
    Signals.kill9(topo.child("redis"));
    topo.restart("redis");
    long tUp = System.nanoTime();
    // a client with a token from a key the gateways do not know (e.g. issued before a rotation)
    int forgedStatus = handshakeStatus(env, 0, forged(spare.access()));
    int forgedStatus2 = handshakeStatus(env, 1, forged(spare.access()));

    // what the users see: give the gateways' heartbeats (1 s) time to notice the loss
    Thread.sleep(p.unavailable().toMillis());
    List<ChaosUser> everyone = new ArrayList<>(crowd.users());
    Map<String, Integer> codes = new TreeMap<>();
    double firstClose = -1;
    for (ChaosUser u : everyone) {
      if (!u.left()) {
        codes.merge("open", 1, Integer::sum);
        continue;
      }
      Short c = u.ws().closeCode();
      codes.merge(c == null ? "closed without a close frame" : "closed " + c, 1, Integer::sum);
      double ms = (u.ws().closedNanos() - t0) / 1e6;
      if (firstClose < 0 || ms < firstClose) firstClose = ms;
    }
    int errors = 0;
    for (ChaosUser u : everyone) errors += u.all("error", t0).size();
    List<Crowd.Call> intact = live.stream().filter(c -> !c.caller().left() && !c.callee().left()).toList();
    Crowd.RelayResult relays = crowd.relay(intact, p.relay());

    // valid tokens from before the loss: the spare one, and every user whose socket closed reconnects with its own
    // (all four checks run at once, each bounded by the recovery bound from the kill)
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    double spareOk;
    Reconnects.Result back;
    double newToken;
    MatchProbe.Result probe;
    try {
      var fSpare = pool.submit(() -> awaitHandshake(env, spare, t0, p.recovery()));
      var fBack = pool.submit(() -> Reconnects.run(env.bench(), everyone, t0, p.recovery()));
      // a new token, fetched through a gateway (gateway -> auth over the bus)
      var fNew = pool.submit(() -> awaitNewToken(env, t0, p.recovery()));
      var fProbe = pool.submit(() -> MatchProbe.run(env.bench(), crowd, t0, p.recovery(), 0, 1));
      spareOk = fSpare.get();
      back = fBack.get();
      newToken = fNew.get();
      probe = fProbe.get();
    } finally {
      pool.shutdownNow();
    }

    r.timeMs("redis-server back (empty), after the kill", (tUp - t0) / 1e6);
    r.figure("handshake with an unknown kid right after (gateway-1 / gateway-2)", forgedStatus + " / " + forgedStatus2);
    r.figure("what the " + everyone.size() + " users' sockets did", codes.toString());
    r.timeMs("first socket closed by a gateway, after the kill", firstClose);
    r.figure("error frames received", Integer.toString(errors));
    r.figure("live calls whose sockets stayed open / still relaying", intact.size() + " of " + live.size() + " / " + relays.delivered());
    r.figure("calls lost", Integer.toString(live.size() - relays.delivered()));
    r.timeMs("a valid token issued before the loss opens a socket again, after the kill", spareOk, p.recovery().toMillis());
    int tried = back.tried();
    r.figure("users whose socket closed and who reconnected with their token within the bound", back.back() + " of " + tried
        + (back.refusedHandshakes() > 0 ? " (" + back.refusedHandshakes() + " handshakes refused, last: " + back.lastRefusal() + ")" : ""));
    r.timeMs("the last of them back, after the kill", back.lastBackMs());
    r.timeMs("a new token works (issued and accepted), after the kill", newToken, p.recovery().toMillis());
    r.timeMs("matching works again (a new pair matched), after the kill", probe.ms(), p.recovery().toMillis());
    if (probe.ms() < 0) r.note("match probe after the Redis restart: " + probe.lastFailure());
    List<String> lockedOut = new ArrayList<>();
    if (spareOk < 0) lockedOut.add("the spare token issued before the loss was still refused after " + p.recovery().toMillis() + " ms");
    if (tried > back.back()) lockedOut.add((tried - back.back()) + " users could not reconnect with their valid token within " + p.recovery().toMillis() + " ms");
    r.invariant("valid tokens work again within the recovery bound", (spareOk < 0 ? 1 : 0) + tried - back.back(), lockedOut);
    r.invariant("new tokens work within the recovery bound", newToken < 0 ? 1 : 0, List.of());
    r.invariant("matching works again within the recovery bound", probe.ms() < 0 ? 1 : 0,
        probe.ms() < 0 ? List.of(String.valueOf(probe.lastFailure())) : List.of());

    // everyone not in a working call searches again
    for (ChaosUser u : everyone) if (!u.left() && u.sessionId() == null) u.join();
    long by = Crowd.deadline(p.unavailable());
    for (ChaosUser u : everyone) if (!u.left() && u.joinedEver()) u.awaitState(x -> x.answer() != ChaosUser.JoinAnswer.NONE || x.left(), by);
    Thread.sleep(500);
    r.audit(crowd.audit());
    r.leftovers(crowd.leaveAll());
    return r;
  }

  /** The same claims and signature under a header naming a key nobody has. */
  static String forged(String jwt) {
    String[] parts = jwt.split("\\.");
    String header = new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", UNKNOWN_KID).encode();
    return Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
  }

  /** The HTTP status of a WebSocket handshake with {@code access} (101 when upgraded). */
  static int handshakeStatus(FaultEnv env, int gateway, String access) {
    try {
      Ws w = Ws.connect(env.bench().ws, env.topology().gatewayPort(gateway), gateway, new Tokens.Token(access, "forged"))
          .await(Crowd.STEP.toMillis(), TimeUnit.MILLISECONDS);
      w.close();
      return 101;
    } catch (Exception e) {
      String m = String.valueOf(e.getMessage());
      java.util.regex.Matcher x = java.util.regex.Pattern.compile("(\\d{3})").matcher(m);
      return x.find() ? Integer.parseInt(x.group(1)) : -1;
    }
  }

  /** Milliseconds from {@code sinceNanos} until a socket opens with {@code token} (-1: not within the bound). */
  static double awaitHandshake(FaultEnv env, Tokens.Token token, long sinceNanos, java.time.Duration bound) throws InterruptedException {
    long deadline = sinceNanos + bound.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Ws w = Ws.connect(env.bench().ws, env.topology().gatewayPort(0), 0, token).await(Crowd.STEP.toMillis(), TimeUnit.MILLISECONDS);
        double ms = (System.nanoTime() - sinceNanos) / 1e6;
        w.close();
        return ms;
      } catch (Exception refused) {
        Thread.sleep(Reconnects.INTERVAL.toMillis());
      }
    }
    return -1;
  }

  /** Milliseconds until a token fetched through gateway-1's /auth/token opens a socket (-1: not within the bound). */
  static double awaitNewToken(FaultEnv env, long sinceNanos, java.time.Duration bound) throws InterruptedException {
    long deadline = sinceNanos + bound.toNanos();
    while (System.nanoTime() < deadline) {
      Tokens viaGateway = new Tokens(env.bench().vertx, env.topology().gatewayPort(0), 1);
      try {
        Tokens.Token t = viaGateway.one(1).await(Crowd.STEP.toMillis(), TimeUnit.MILLISECONDS);
        Ws w = Ws.connect(env.bench().ws, env.topology().gatewayPort(1), 1, t).await(Crowd.STEP.toMillis(), TimeUnit.MILLISECONDS);
        double ms = (System.nanoTime() - sinceNanos) / 1e6;
        w.close();
        return ms;
      } catch (Exception notYet) {
        Thread.sleep(Reconnects.INTERVAL.toMillis());
      } finally {
        viaGateway.close();
      }
    }
    return -1;
  }
}
