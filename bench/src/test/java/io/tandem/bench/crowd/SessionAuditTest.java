package io.tandem.bench.crowd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tandem.common.RedisKeys;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionAuditTest {
  private static SessionAudit.UserView inCall(String id, String sid) {
    return new SessionAudit.UserView(id, true, true, sid, ChaosUser.JoinAnswer.MATCHED, null);
  }

  private static SessionAudit.UserView answered(String id, ChaosUser.JoinAnswer a, String refusal) {
    return new SessionAudit.UserView(id, true, true, null, a, refusal);
  }

  @Test
  void everyoneInAKnownCallWaitingOrToldToRetryIsClean() {
    var users = List.of(inCall("a", "s1"), inCall("b", "s1"), answered("c", ChaosUser.JoinAnswer.QUEUED, null),
        answered("d", ChaosUser.JoinAnswer.REFUSED, "unavailable"), new SessionAudit.UserView("e", false, true, null,
            ChaosUser.JoinAnswer.NONE, null), new SessionAudit.UserView("f", true, false, null, ChaosUser.JoinAnswer.NONE, null));
    var r = SessionAudit.audit(users, Map.of("s1", new SessionAudit.Pair("a", "b")), Set.of("c"));
    assertEquals(0, r.total(), r.details().toString());
    assertEquals(2, r.classes().get("in-call"));
    assertEquals(1, r.classes().get("waiting"));
    assertEquals(1, r.classes().get("told-to-retry"));
    assertEquals(1, r.classes().get("left"));
    assertEquals(1, r.classes().get("idle"));
  }

  @Test
  void aSessionOnlyTheCallerHeardOfIsHalfMade() {
    // the matchmaker died after pairing: Redis holds s1, only a was told; b's join was answered with unavailable
    var users = List.of(inCall("a", "s1"), answered("b", ChaosUser.JoinAnswer.REFUSED, "unavailable"));
    var r = SessionAudit.audit(users, Map.of("s1", new SessionAudit.Pair("a", "b")), Set.of());
    assertEquals(1, r.violations().get("one-sided-session"));
    assertEquals(1, r.violations().get("ghost-call"));
    assertEquals(1, r.violations().get("stuck"));
  }

  @Test
  void aRejoinRefusedAsInSessionIsStuck() {
    var users = List.of(answered("a", ChaosUser.JoinAnswer.REFUSED, "in-session"), answered("b", ChaosUser.JoinAnswer.REFUSED, "in-session"));
    var r = SessionAudit.audit(users, Map.of("s9", new SessionAudit.Pair("a", "b")), Set.of());
    assertEquals(2, r.violations().get("one-sided-session"));
    assertEquals(2, r.violations().get("stuck"));
    assertEquals(2, r.classes().get("stuck"));
  }

  @Test
  void searchingButNotQueuedToldToRetryButQueuedAndUnansweredAreStuck() {
    var users = List.of(answered("a", ChaosUser.JoinAnswer.QUEUED, null), answered("b", ChaosUser.JoinAnswer.REFUSED, "unavailable"),
        answered("c", ChaosUser.JoinAnswer.NONE, null));
    var r = SessionAudit.audit(users, Map.of(), Set.of("b"));
    assertEquals(3, r.violations().get("stuck"), r.details().toString());
  }

  @Test
  void aSessionWithAUserWhoLeftIsOneSided() {
    var users = List.of(inCall("a", "s1"), new SessionAudit.UserView("b", false, true, null, ChaosUser.JoinAnswer.MATCHED, null));
    var r = SessionAudit.audit(users, Map.of("s1", new SessionAudit.Pair("a", "b")), Set.of());
    assertEquals(1, r.violations().get("one-sided-session"));
    assertEquals(1, r.violations().get("ghost-call"));
  }

  @Test
  void leftoversArePerUserAndPerCallKeysOnly() {
    var keys = List.of(RedisKeys.user("u1"), RedisKeys.session("s1"), RedisKeys.ONLINE, RedisKeys.QUEUE, RedisKeys.nodeUsers("n1"),
        RedisKeys.NODES, RedisKeys.JWKS, RedisKeys.pairEnded("a", "b"), "ratelimit:http:ip:x", RedisKeys.HASH_SECRET);
    assertEquals(5, SessionAudit.leftovers(keys).size(), SessionAudit.leftovers(keys).toString());
  }
}
