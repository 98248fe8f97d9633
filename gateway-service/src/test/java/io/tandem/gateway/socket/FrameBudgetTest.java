package io.tandem.gateway.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.MessageType;
import org.junit.jupiter.api.Test;

class FrameBudgetTest {
  private static final long T0 = 1_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private static int takeAll(FrameBudget b, MessageType type, long now, int tries) {
    int ok = 0;
    for (int i = 0; i < tries; i++) if (b.take(type, now)) ok++;
    return ok;
  }

  @Test
  void eachKindHasItsOwnBurst() {
    FrameBudget b = new FrameBudget();
    assertEquals(FrameBudget.SIGNALING_BURST, takeAll(b, MessageType.SEND_CANDIDATE, T0, 1000));
    assertEquals(FrameBudget.QUEUE_BURST, takeAll(b, MessageType.JOIN_QUEUE, T0, 100), "signaling spent no queue budget");
    assertEquals(FrameBudget.CHAT_BURST, takeAll(b, MessageType.SEND_MESSAGE, T0, 100));
    assertEquals(FrameBudget.OTHER_BURST, takeAll(b, MessageType.END_CALL, T0, 100));
    assertEquals(FrameBudget.INVALID_BURST, takeAll(b, null, T0, 100));
  }

  @Test
  void kindsShareTheirBucket() {
    FrameBudget b = new FrameBudget();
    assertEquals(FrameBudget.QUEUE_BURST, takeAll(b, MessageType.JOIN_QUEUE, T0, FrameBudget.QUEUE_BURST));
    assertFalse(b.take(MessageType.LEAVE_QUEUE, T0), "join and leave share one bucket");
    assertEquals(FrameBudget.SIGNALING_BURST, takeAll(b, MessageType.SEND_OFFER, T0, 100) + takeAll(b, MessageType.SEND_ANSWER, T0, 1000));
  }

  @Test
  void refillsOverTimeUpToTheBurst() {
    FrameBudget b = new FrameBudget();
    takeAll(b, MessageType.JOIN_QUEUE, T0, 10);
    assertFalse(b.take(MessageType.JOIN_QUEUE, T0));
    assertTrue(b.take(MessageType.JOIN_QUEUE, T0 + SECOND), "one per second");
    assertFalse(b.take(MessageType.JOIN_QUEUE, T0 + SECOND));
    assertEquals(FrameBudget.QUEUE_BURST, takeAll(b, MessageType.JOIN_QUEUE, T0 + 3600 * SECOND, 100), "never more than the burst");
  }

  @Test
  void sustainedRefusalsAreAbusive() {
    FrameBudget b = new FrameBudget();
    takeAll(b, null, T0, FrameBudget.INVALID_BURST);
    for (int i = 0; i < FrameBudget.ABUSE_REFUSALS - 1; i++) assertFalse(b.take(null, T0));
    assertFalse(b.abusive());
    assertFalse(b.take(null, T0));
    assertTrue(b.abusive());
  }

  @Test
  void refusalsSpreadOverLongerThanTheWindowAreNot() {
    FrameBudget b = new FrameBudget();
    takeAll(b, null, T0, FrameBudget.INVALID_BURST);
    for (int i = 0; i < FrameBudget.ABUSE_REFUSALS - 1; i++) b.take(null, T0);
    long later = T0 + FrameBudget.ABUSE_WINDOW_NANOS + SECOND;
    takeAll(b, null, later, FrameBudget.INVALID_BURST);
    assertFalse(b.take(null, later));
    assertFalse(b.abusive(), "the count starts again after the window");
  }
}
