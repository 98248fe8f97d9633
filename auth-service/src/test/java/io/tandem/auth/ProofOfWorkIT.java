package io.tandem.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.PowSchedule;
import io.tandem.common.ProofOfWork;
import io.tandem.it.Http;
import io.tandem.it.Ports;
import io.tandem.it.ServiceStack;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proof of work of POST /auth/token end to end, with two auth-services (each in its own Vert.x,
 * on its own port, as two replicas) on one real Redis: a challenge from one is accepted by the other,
 * a solution is spent once across both, bad solutions are refused naming the field, a network's
 * difficulty rises with its tokens, and an operator raises the base difficulty for every replica
 * without a restart. (Through a gateway, /auth/* reaches the same code over the event bus; the
 * gateway's and the launcher's tests mint every token that way.)
 */
class ProofOfWorkIT {
  static final String ADMIN = "pow-admin-token-0123456789abcdef";
  static ServiceStack first;
  static ServiceStack second;
  /** The two auth-services' ports (/auth/* and /admin/*). */
  static int portA;
  static int portB;
  /** The operator's API: the first auth-service. */
  static int adminPort;

  @BeforeAll
  static void start() throws Exception {
    portA = Ports.free();
    adminPort = portA;
    first = ServiceStack.start(settings(portA, Map.of()), List.of(AuthModule::verticles));
    portB = Ports.free();
    second = ServiceStack.start(settings(portB, Map.of("REDIS_URL", first.env().raw("REDIS_URL"))), List.of(AuthModule::verticles));
  }

  static Map<String, String> settings(int authPort, Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put("AUTH_PORT", Integer.toString(authPort));
    s.put("ADMIN_TOKEN", ADMIN);
    s.put("TRUSTED_PROXY_HOPS", "1"); // networks simulated with X-Forwarded-For
    s.putAll(extra);
    return s;
  }

  @AfterAll
  static void stop() throws Exception {
    if (second != null) second.close();
    if (first != null) first.close();
  }

  static String network() {
    return "10.42." + (int) (Math.random() * 250) + "." + (int) (Math.random() * 250);
  }

  static JsonObject challenge(int port, String ip) throws Exception {
    Http.Answer a = Http.send(port, "/auth/challenge", "GET", null, "X-Forwarded-For", ip);
    assertEquals(200, a.status(), a.body().encode());
    assertTrue(a.body().getBoolean("required"), "on by default");
    assertEquals("sha256-leading-zero-bits", a.body().getString("algorithm"));
    assertEquals(PowSchedule.CHALLENGE_TTL_SECONDS, a.body().getInteger("expiresIn"));
    return a.body();
  }

  static JsonObject solved(JsonObject challenge) {
    String text = challenge.getString("challenge");
    return new JsonObject().put("challenge", text).put("nonce", ProofOfWork.solve(text, challenge.getInteger("difficulty")));
  }

  static Http.Answer token(int port, String ip, Object pow) throws Exception {
    JsonObject body = new JsonObject().put("deviceId", "dev-" + UUID.randomUUID()).put("name", "P").put("age", 30);
    if (pow != null) body.put("pow", pow);
    return Http.send(port, "/auth/token", "POST", body.encode(), "X-Forwarded-For", ip);
  }

  static void refused(Http.Answer a, int status, String code, String field) {
    assertEquals(status, a.status(), a.body().encode());
    JsonObject error = a.body().getJsonObject("error");
    assertEquals(code, error.getString("code"));
    assertTrue(error.getString("message").contains(field), "the message names " + field + ": " + error.getString("message"));
  }

  @Test
  void aSolutionIsSpentOnceAcrossTwoAuthServices() throws Exception {
    String ip = network();
    JsonObject pow = solved(challenge(portA, ip));
    assertEquals(200, token(portA, ip, pow).status());
    refused(token(portB, ip, pow), 403, "pow-reused", "pow.challenge");
    refused(token(portA, ip, pow), 403, "pow-reused", "pow.challenge");
    // challenges are stateless: one issued by the first auth-service is good on the second (once)
    JsonObject other = solved(challenge(portA, ip));
    assertEquals(200, token(portB, ip, other).status());
    refused(token(portA, ip, other), 403, "pow-reused", "pow.challenge");
  }

  @Test
  void badSolutionsAreRefusedNamingTheField() throws Exception {
    String ip = network();
    refused(token(portA, ip, null), 400, "pow-required", "pow");
    refused(token(portA, ip, "x"), 400, "bad-request", "pow");
    refused(token(portA, ip, new JsonObject().put("challenge", "t1.x").put("nonce", "no spaces")), 400, "bad-request", "pow.nonce");
    JsonObject c = challenge(portA, ip);
    String[] parts = c.getString("challenge").split("\\.");
    String easier = String.join(".", parts[0], "1", parts[2], parts[3], parts[4]);
    refused(token(portA, ip, new JsonObject().put("challenge", easier).put("nonce", ProofOfWork.solve(easier, 1))), 403, "pow-forged", "pow.challenge");
    // a nonce that solves another challenge (found so that it does not solve this one)
    JsonObject d = challenge(portA, ip);
    int bits = d.getInteger("difficulty");
    long n = -1;
    do {
      n = ProofOfWork.solveFrom(d.getString("challenge"), bits, n + 1);
    } while (ProofOfWork.solves(c.getString("challenge"), Long.toString(n), bits));
    refused(token(portA, ip, new JsonObject().put("challenge", c.getString("challenge")).put("nonce", Long.toString(n))),
        403, "pow-unsolved", "pow.nonce");
    assertEquals(200, token(portA, ip, solved(c)).status(), "the refusals spent nothing: the challenge still works");
  }

  @Test
  void aNetworksDifficultyRisesWithItsTokensAndAStaleEasyChallengeIsRefused() throws Exception {
    String ip = network();
    int base = challenge(portA, ip).getInteger("difficulty");
    for (int i = 1; i < PowSchedule.FREE_TOKENS; i++) {
      JsonObject c = challenge(i % 2 == 0 ? portA : portB, ip);
      assertEquals(base, c.getInteger("difficulty"), "token " + i + " of a network costs the base");
      assertEquals(200, token(portB, ip, solved(c)).status());
    }
    // two challenges for the network's last token at the base: the first one used takes it
    JsonObject last = solved(challenge(portA, ip));
    JsonObject stale = solved(challenge(portB, ip));
    assertEquals(base, Integer.parseInt(stale.getString("challenge").split("\\.")[1]), "issued at the base");
    assertEquals(200, token(portA, ip, last).status());
    refused(token(portB, ip, stale), 403, "pow-too-easy", "pow.challenge");
    assertEquals(base + 1, challenge(portA, ip).getInteger("difficulty"), "one bit more after " + PowSchedule.FREE_TOKENS + " tokens");
    assertEquals(base, challenge(portA, network()).getInteger("difficulty"), "other networks are not affected");
  }

  @Test
  void anOperatorRaisesTheBaseDifficultyWithoutARestart() throws Exception {
    String auth = "Authorization";
    String bearer = "Bearer " + ADMIN;
    assertEquals(401, Http.send(adminPort, "/admin/pow", "PUT", "{\"baseDifficulty\":20}").status(), "admin only");
    refused(Http.send(adminPort, "/admin/pow", "PUT", "{\"baseDifficulty\":99}", auth, bearer), 400, "bad-request", "baseDifficulty");
    Http.Answer set = Http.send(adminPort, "/admin/pow", "PUT", "{\"baseDifficulty\":19,\"ttlSeconds\":600}", auth, bearer);
    try {
      assertEquals(200, set.status(), set.body().encode());
      assertEquals(19, set.body().getInteger("base"));
      long deadline = System.currentTimeMillis() + 5_000;
      int seen = 0;
      while (System.currentTimeMillis() < deadline && (seen = challenge(portB, network()).getInteger("difficulty")) != 19) Thread.sleep(100);
      assertEquals(19, seen, "the other auth-service took the operator's base within its reload interval");
      refused(token(portB, network(), null), 400, "pow-required", "pow");
    } finally {
      Http.Answer cleared = Http.send(adminPort, "/admin/pow", "DELETE", null, auth, bearer);
      assertEquals(200, cleared.status());
    }
    long deadline = System.currentTimeMillis() + 5_000;
    int seen = 0;
    while (System.currentTimeMillis() < deadline && (seen = challenge(portB, network()).getInteger("difficulty")) != PowSchedule.BASE_DIFFICULTY) {
      Thread.sleep(100);
    }
    assertEquals(PowSchedule.BASE_DIFFICULTY, seen, "back to TOKEN_POW_DIFFICULTY");
  }
}
