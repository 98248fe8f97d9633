package io.tandem.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Env;
import io.tandem.common.ErrorCode;
import io.tandem.common.Hashing;
import io.tandem.common.PowSchedule;
import io.tandem.common.ProofOfWork;
import io.tandem.common.TandemException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Challenges: signed, verified, expiring, tamper-proof, bound to their difficulty and to themselves. Reuse: PowIT (Redis). */
class PowChallengesTest {
  final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
  final PowChallenges challenges = new PowChallenges(key("a-secret-of-sixteen-bytes"), clock::get);

  static Hashing key(String secret) {
    return new Hashing(secret.getBytes(StandardCharsets.UTF_8));
  }

  static ErrorCode refused(PowChallenges c, String challenge, String nonce) {
    return assertThrows(TandemException.class, () -> c.verify(challenge, nonce)).code();
  }

  @Test
  void aSolvedChallengeVerifies() {
    PowChallenges.Challenge c = challenges.issue(8);
    assertTrue(c.text().startsWith("t1.8." + (clock.get() / 1000 + PowSchedule.CHALLENGE_TTL_SECONDS) + "."), c.text());
    assertTrue(c.text().length() > 64, "longer than one SHA-256 block (solvers hash that block once)");
    PowChallenges.Challenge back = challenges.verify(c.text(), ProofOfWork.solve(c.text(), 8));
    assertEquals(c, back);
    assertNotEquals(c.salt(), challenges.issue(8).salt(), "a fresh salt each time");
  }

  @Test
  void expiredChallengesAreRefused() {
    PowChallenges.Challenge c = challenges.issue(4);
    String nonce = ProofOfWork.solve(c.text(), 4);
    clock.addAndGet(PowSchedule.CHALLENGE_TTL_SECONDS * 1000L - 1);
    challenges.verify(c.text(), nonce);
    clock.addAndGet(1);
    assertEquals(ErrorCode.POW_EXPIRED, refused(challenges, c.text(), nonce));
  }

  @Test
  void alteredOrForeignChallengesAreForged() {
    PowChallenges.Challenge c = challenges.issue(8);
    String[] p = c.text().split("\\.");
    // a lower difficulty written in (the signature no longer matches), solved at that difficulty
    String easier = String.join(".", p[0], "1", p[2], p[3], p[4]);
    assertEquals(ErrorCode.POW_FORGED, refused(challenges, easier, ProofOfWork.solve(easier, 1)));
    String later = String.join(".", p[0], p[1], Long.toString(Long.parseLong(p[2]) + 3600), p[3], p[4]);
    assertEquals(ErrorCode.POW_FORGED, refused(challenges, later, ProofOfWork.solve(later, 8)));
    String otherSalt = String.join(".", p[0], p[1], p[2], "A" + p[3].substring(1), p[4]);
    assertEquals(ErrorCode.POW_FORGED, refused(challenges, otherSalt, ProofOfWork.solve(otherSalt, 8)));
    assertEquals(ErrorCode.POW_FORGED, refused(challenges, "t1.8.123.abc.def", "1"), "not our format");
    PowChallenges elsewhere = new PowChallenges(key("another-secret-of-16-bytes"), clock::get);
    PowChallenges.Challenge theirs = elsewhere.issue(8);
    assertEquals(ErrorCode.POW_FORGED, refused(challenges, theirs.text(), ProofOfWork.solve(theirs.text(), 8)), "another key's challenge");
  }

  @Test
  void aNonceMustSolveThisChallengeAtItsDifficulty() {
    PowChallenges.Challenge a = challenges.issue(12);
    PowChallenges.Challenge b = challenges.issue(12);
    // a nonce that solves a but not b (found deterministically: most of a's solutions do not solve b)
    long n = -1;
    do {
      n = ProofOfWork.solveFrom(a.text(), 12, n + 1);
    } while (ProofOfWork.solves(b.text(), Long.toString(n), 12));
    challenges.verify(a.text(), Long.toString(n));
    assertEquals(ErrorCode.POW_UNSOLVED, refused(challenges, b.text(), Long.toString(n)), "a solution for another challenge");
    // a nonce with fewer zero bits than the challenge asks (the wrong difficulty)
    long weak = ProofOfWork.solveFrom(a.text(), 4, 0);
    while (ProofOfWork.solves(a.text(), Long.toString(weak), 12)) weak = ProofOfWork.solveFrom(a.text(), 4, weak + 1);
    assertEquals(ErrorCode.POW_UNSOLVED, refused(challenges, a.text(), Long.toString(weak)));
  }

  @Test
  void theSolutionFieldIsValidatedByName() {
    assertEquals(null, PowSolution.from(null));
    TandemException notObject = assertThrows(TandemException.class, () -> PowSolution.from("x"));
    assertTrue(notObject.getMessage().startsWith("pow "), notObject.getMessage());
    TandemException noChallenge = assertThrows(TandemException.class, () -> PowSolution.from(new JsonObject().put("nonce", "1")));
    assertTrue(noChallenge.getMessage().startsWith("pow.challenge"), noChallenge.getMessage());
    TandemException badNonce = assertThrows(TandemException.class,
        () -> PowSolution.from(new JsonObject().put("challenge", "t1.x").put("nonce", "1 2")));
    assertTrue(badNonce.getMessage().startsWith("pow.nonce"), badNonce.getMessage());
    assertEquals(ErrorCode.BAD_REQUEST, badNonce.code());
    assertEquals(new PowSolution("t1.x", "42"), TokenRequest.parse(
        "{\"deviceId\":\"dev-123_ABC\",\"age\":30,\"pow\":{\"challenge\":\"t1.x\",\"nonce\":\"42\"}}").pow());
  }

  @Test
  void proofOfWorkIsOnByDefaultAndCannotBeTurnedOffInProduction() {
    assertTrue(PowConfig.from(Env.with(Map.of())).enabled(), "on by default");
    assertEquals(PowSchedule.BASE_DIFFICULTY, PowConfig.from(Env.with(Map.of())).baseDifficulty());
    assertEquals(false, PowConfig.from(Env.with(Map.of("TOKEN_POW", "off"))).enabled());
    IllegalArgumentException prod = assertThrows(IllegalArgumentException.class,
        () -> PowConfig.from(Env.with(Map.of("TOKEN_POW", "off", "TANDEM_ENV", "production", "POW_SECRET", "x".repeat(32)))));
    assertTrue(prod.getMessage().contains("TOKEN_POW=off"), prod.getMessage());
    IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
        () -> PowConfig.from(Env.with(Map.of("TANDEM_ENV", "production"))));
    assertTrue(noSecret.getMessage().contains("POW_SECRET"), noSecret.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PowConfig.from(Env.with(Map.of("TOKEN_POW", "maybe"))));
    assertThrows(IllegalArgumentException.class, () -> PowConfig.from(Env.with(Map.of("TOKEN_POW_DIFFICULTY", "40"))));
  }
}
