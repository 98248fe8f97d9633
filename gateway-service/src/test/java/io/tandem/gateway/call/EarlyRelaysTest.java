package io.tandem.gateway.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EarlyRelaysTest {
  @Test
  void boundedInCountOldestDroppedFirst() {
    EarlyRelays early = new EarlyRelays(3, 1000);
    for (int i = 0; i < 5; i++) early.add("s1", "f" + i, 0);
    assertEquals(3, early.size());
    assertEquals(List.of("f2", "f3", "f4"), early.take("s1", 0));
    assertEquals(0, early.size());
  }

  @Test
  void defaultBoundsAreTheNamedOnes() {
    EarlyRelays early = new EarlyRelays();
    for (int i = 0; i < EarlyRelays.MAX + 10; i++) early.add("s1", "f" + i, 0);
    assertEquals(EarlyRelays.MAX, early.size());
  }

  @Test
  void boundedInAge() {
    EarlyRelays early = new EarlyRelays(10, 100);
    early.add("s1", "old", 0);
    early.add("s1", "young", 50);
    assertEquals(List.of("young"), early.take("s1", 101));
    early.add("s1", "a", 0);
    early.add("s1", "b", 200);
    assertEquals(1, early.size(), "adding drops frames already too old");
  }

  @Test
  void takeKeepsOnlyTheSessionAndForgetsAll() {
    EarlyRelays early = new EarlyRelays(10, 100);
    early.add("s1", "a", 0);
    early.add("s2", "x", 0);
    early.add("s1", "b", 0);
    assertEquals(List.of("a", "b"), early.take("s1", 0));
    assertEquals(List.of(), early.take("s2", 0), "the other session's frames went too");
  }

  @Test
  void dropForgetsOneSession() {
    EarlyRelays early = new EarlyRelays(10, 100);
    early.add("s1", "a", 0);
    early.add("s2", "x", 0);
    early.drop("s1");
    assertEquals(List.of("x"), early.take("s2", 0));
  }

  @Test
  void refusesNonsenseBounds() {
    assertThrows(IllegalArgumentException.class, () -> new EarlyRelays(0, 100));
    assertThrows(IllegalArgumentException.class, () -> new EarlyRelays(1, -1));
  }
}
