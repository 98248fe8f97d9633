package io.tandem.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HandshakeGateTest {
  @Test
  void admitsUpToTheBoundAndAPlaceIsReleasedOnce() {
    HandshakeGate gate = new HandshakeGate(2);
    HandshakeGate.Permit a = gate.tryEnter();
    HandshakeGate.Permit b = gate.tryEnter();
    assertNotNull(a);
    assertNotNull(b);
    assertNull(gate.tryEnter(), "a third handshake in flight is refused");
    a.release();
    a.release();
    assertEquals(1, gate.inFlight(), "a second release of the same place frees nothing more");
    assertNotNull(gate.tryEnter());
    assertNull(gate.tryEnter());
    assertThrows(IllegalArgumentException.class, () -> new HandshakeGate(0));
  }
}
