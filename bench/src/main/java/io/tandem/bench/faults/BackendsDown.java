package io.tandem.bench.faults;

import io.tandem.bench.crowd.ChaosUser;
import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.run.Frames;
import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Signals;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Topology;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * (f) auth-service down, then chat-service down ({@code kill -9} each), with live calls across
 * gateways. Asking a gateway for a token must get an HTTP error in bounded time; sockets with
 * tokens issued before keep opening. A chat message must get an {@code error} in bounded time while
 * offers and candidates keep flowing, including the one sent right after it on the same socket.
 * The suite starts both again before any later fault.
 */
public final class BackendsDown implements Fault {
  /** Live calls during the fault. */
  static final int CALLS = 4;

  @Override
  public String id() {
    return "backends-down";
  }

  @Override
  public String title() {
    return "auth-service down, then chat-service down, with live calls";
  }

  @Override
  public FaultReport run(FaultEnv env) throws Exception {
    FaultEnv.Params p = env.p();
    Topology topo = env.topology();
    FaultReport r = new FaultReport(id(), title() + " (" + CALLS + " calls across gateways)");
    Crowd crowd = env.crowd();
    List<Crowd.Call> live = crowd.pair(crowd.add(CALLS, i -> 0), crowd.add(CALLS, i -> 1));
    Tokens.Token spare = env.bench().fetchTokens(1).get(0);

    // auth-service down
    Topology.Child auth = topo.child("auth");
    long t0 = System.nanoTime();
    Signals.kill9(auth);
    env.stopped().add("auth");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String body = new JsonObject().put("deviceId", "bench-chaos-" + Long.toHexString(System.nanoTime())).put("name", "c").put("age", 30).encode();
    long sent = System.nanoTime();
    String viaGateway;
    double tokenErrMs = -1;
    int status = -1;
    try {
      HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + topo.gatewayPort(0) + "/auth/token"))
          .timeout(p.freeze().plusSeconds(10)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      status = resp.statusCode();
      tokenErrMs = (System.nanoTime() - sent) / 1e6;
      String code = "";
      try {
        code = " " + new JsonObject(resp.body()).getJsonObject("error", new JsonObject()).getString("code", "");
      } catch (RuntimeException notJson) {
        // the status says enough
      }
      viaGateway = "HTTP " + status + code + " after " + Latency.fmt(tokenErrMs);
    } catch (Exception e) {
      viaGateway = "no answer (" + e.getClass().getSimpleName() + ") after " + Latency.fmt((System.nanoTime() - sent) / 1e6);
    }
    String direct;
    try {
      HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + auth.port() + "/auth/token"))
          .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      direct = "HTTP " + resp.statusCode();
    } catch (Exception e) {
      direct = "connection refused (" + e.getClass().getSimpleName() + ")";
    }
    int spareStatus = RedisRestart.handshakeStatus(env, 1, spare.access());
    Crowd.RelayResult authDownRelays = crowd.relay(live, p.relay());

    // chat-service down: every caller writes a chat line and, right after it on the same socket, a candidate
    Topology.Child chat = topo.child("chat");
    Signals.kill9(chat);
    env.stopped().add("chat");
    long t1 = System.nanoTime();
    List<String> tags = new ArrayList<>();
    for (int i = 0; i < live.size(); i++) {
      Crowd.Call c = live.get(i);
      String tag = "candidate:after-chat-" + i + " 1 udp 2122260223 127.0.0.1 50002 typ host";
      tags.add(tag);
      c.caller().send(Frames.message(c.sessionId(), "is anyone there?"));
      c.caller().send(Frames.candidate(c.sessionId(), tag));
    }
    long by = t1 + p.unavailable().toNanos();
    List<String> chatUnanswered = new ArrayList<>();
    List<String> relaysHeld = new ArrayList<>();
    double chatErrMax = -1;
    double relayMax = -1;
    StringBuilder chatAnswers = new StringBuilder();
    for (int i = 0; i < live.size(); i++) {
      Crowd.Call c = live.get(i);
      String tag = tags.get(i);
      c.caller().awaitState(u -> u.first("error", t1, "ref", "send-message") != null || u.first("message", t1) != null, by);
      c.callee().awaitState(u -> Crowd.gotCandidate(u, tag, t1) > 0, by);
      ChaosUser.Seen err = c.caller().first("error", t1, "ref", "send-message");
      ChaosUser.Seen msg = c.caller().first("message", t1);
      if (err != null) {
        double ms = (err.nanos() - t1) / 1e6;
        chatErrMax = Math.max(chatErrMax, ms);
        chatAnswers.append(chatAnswers.length() == 0 ? "" : ", ").append("error ").append(err.data().getString("code")).append(" after ").append(Latency.fmt(ms));
      } else if (msg != null) {
        chatAnswers.append(chatAnswers.length() == 0 ? "" : ", ").append("delivered");
      } else {
        chatAnswers.append(chatAnswers.length() == 0 ? "" : ", ").append("nothing");
        chatUnanswered.add(c.caller().userId() + ": no answer to send-message within " + p.unavailable().toMillis() + " ms");
      }
      long at = Crowd.gotCandidate(c.callee(), tag, t1);
      double ms = at == 0 ? -1 : (at - t1) / 1e6;
      if (at != 0) relayMax = Math.max(relayMax, ms);
      if (at == 0 || ms > p.relay().toMillis()) {
        relaysHeld.add(c.caller().userId() + ": candidate sent after a chat line " + (at == 0 ? "not delivered" : "delivered after " + Latency.fmt(ms)));
      }
    }
    Crowd.RelayResult chatDownRelays = crowd.relay(live, p.relay());

    r.figure("POST /auth/token through a gateway while auth is down", viaGateway);
    r.figure("POST /auth/token to auth-service's own port", direct);
    r.figure("socket opened with a token issued before (HTTP status; 101 = upgraded)", Integer.toString(spareStatus));
    r.figure("calls relaying while auth is down", authDownRelays.delivered() + " of " + authDownRelays.calls());
    r.figure("chat lines while chat-service is down answered with", chatAnswers.toString());
    r.timeMs("chat error heard, at the latest", chatUnanswered.isEmpty() ? chatErrMax : -1, p.unavailable().toMillis());
    boolean allRelayed = relaysHeld.stream().noneMatch(h -> h.endsWith("not delivered"));
    r.timeMs("a candidate sent right after a chat line delivered, at the latest", allRelayed ? relayMax : -1, p.relay().toMillis());
    r.figure("calls relaying while chat is down", chatDownRelays.delivered() + " of " + chatDownRelays.calls());
    r.figure("calls lost", Integer.toString(live.size() - chatDownRelays.delivered()));
    List<String> tokenProblem = new ArrayList<>();
    if (status < 500 || tokenErrMs > p.unavailable().toMillis()) tokenProblem.add("gateway answered " + viaGateway);
    r.invariant("a token request while auth is down gets an HTTP 5xx within BUS_TIMEOUT_MS + " + FaultEnv.Params.SLACK_MS + " ms",
        tokenProblem.size(), tokenProblem);
    r.invariant("a chat line while chat is down gets an error within BUS_TIMEOUT_MS + " + FaultEnv.Params.SLACK_MS + " ms",
        chatUnanswered.size(), chatUnanswered);
    r.invariant("relays do not wait behind chat (delivered within " + p.relay().toMillis() + " ms)", relaysHeld.size(), relaysHeld);
    r.invariant("calls keep relaying while auth and chat are down", authDownRelays.lost() + chatDownRelays.lost(), List.of());
    r.audit(crowd.audit());
    r.leftovers(crowd.leaveAll());
    r.data.put("secondsSinceAuthKill", (System.nanoTime() - t0) / 1e9);
    return r;
  }
}
