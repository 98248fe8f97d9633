package io.tandem.bench.crowd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvariantCheckerTest {
  private static InvariantChecker.ClientLog log(String id) {
    return new InvariantChecker.ClientLog(id);
  }

  private static void pair(InvariantChecker.ClientLog caller, InvariantChecker.ClientLog callee, String sid) {
    caller.matched(sid, callee.userId(), "caller");
    callee.matched(sid, caller.userId(), "callee");
  }

  @Test
  void aCleanRunHasNoViolations() {
    var a = log("a");
    var b = log("b");
    var c = log("c");
    a.joined();
    b.joined();
    pair(a, b, "s1");
    a.ended();
    b.ended();
    a.joined();
    b.joined();
    pair(b, a, "s2");
    c.joined(); // still waiting, and in the queue
    InvariantChecker.Result r = InvariantChecker.check(List.of(a, b, c), Set.of("c"));
    assertTrue(r.ok(), r.details().toString());
    assertEquals(2, r.sessions());
    assertEquals(1, r.waitingAtEnd());
  }

  @Test
  void aMatchUndoneBeforeTheOtherSideHeardOfItIsNoViolationButAOneSidedCallIs() {
    var a = log("a");
    var b = log("b");
    a.joined();
    b.joined();
    a.matched("s1", "b", "caller");
    a.undone("s1");
    b.refused();
    InvariantChecker.Result ok = InvariantChecker.check(List.of(a, b), Set.of());
    assertEquals(0, ok.counts().get("session"), ok.details().toString());
    var c = log("c");
    c.joined();
    c.matched("s2", "d", "caller");
    InvariantChecker.Result bad = InvariantChecker.check(List.of(c), Set.of());
    assertEquals(1, bad.counts().get("session"), "a session only one side knows, never undone");
  }

  @Test
  void aClientMatchedWhileInACallIsMatchedTwice() {
    var a = log("a");
    var b = log("b");
    var c = log("c");
    a.joined();
    b.joined();
    c.joined();
    pair(a, b, "s1");
    a.matched("s2", "c", "callee");
    c.matched("s2", "a", "caller");
    InvariantChecker.Result r = InvariantChecker.check(List.of(a, b, c), Set.of());
    assertEquals(1, r.counts().get("matched-twice"), r.details().toString());
  }

  @Test
  void aWaitingClientMissingFromTheQueueIsLost() {
    var a = log("a");
    a.joined();
    InvariantChecker.Result r = InvariantChecker.check(List.of(a), Set.of());
    assertEquals(1, r.counts().get("lost"));
    assertEquals(0, InvariantChecker.check(List.of(a), Set.of("a")).total());
  }

  @Test
  void aMatchedClientLeftInTheQueueIsAGhost() {
    var a = log("a");
    var b = log("b");
    a.joined();
    b.joined();
    pair(a, b, "s1");
    assertEquals(1, InvariantChecker.check(List.of(a, b), Set.of("b")).counts().get("ghost"));
  }

  @Test
  void sessionsMustPairTwoClientsWithOppositeRolesNamingEachOther() {
    var a = log("a");
    var b = log("b");
    a.joined();
    b.joined();
    a.matched("s1", "b", "caller");
    b.matched("s1", "a", "caller");
    assertEquals(1, InvariantChecker.check(List.of(a, b), Set.of()).counts().get("session"), "two callers");

    var c = log("c");
    var d = log("d");
    c.joined();
    d.joined();
    c.matched("s2", "x", "caller");
    d.matched("s2", "c", "callee");
    assertEquals(1, InvariantChecker.check(List.of(c, d), Set.of()).counts().get("session"), "peerId names a stranger");

    var e = log("e");
    e.joined();
    e.matched("s3", "f", "caller");
    InvariantChecker.Result half = InvariantChecker.check(List.of(e), Set.of());
    assertEquals(1, half.counts().get("session"), "only one side got matched");
  }

  @Test
  void aUserToldToRetryIsNotWaitingAndMustNotBeMatchedOrQueued() {
    var a = log("a");
    a.joined();
    a.refused();
    assertEquals(0, InvariantChecker.check(List.of(a), Set.of()).total(), "refused and not queued: clean");
    assertEquals(1, InvariantChecker.check(List.of(a), Set.of("a")).counts().get("ghost"), "refused but still queued");
    var b = log("b");
    a.matched("s1", "b", "caller");
    b.joined();
    b.matched("s1", "a", "callee");
    assertEquals(1, InvariantChecker.check(List.of(a, b), Set.of()).counts().get("matched-twice"), "matched after being refused");
  }

  @Test
  void aUserWhoseSocketClosedIsNeitherLostNorWaiting() {
    var a = log("a");
    a.joined();
    a.left();
    var r = InvariantChecker.check(List.of(a), Set.of());
    assertEquals(0, r.total());
    assertEquals(0, r.waitingAtEnd());
    assertEquals(1, InvariantChecker.check(List.of(a), Set.of("a")).counts().get("ghost"), "left but still queued");
  }
}
