package io.tandem.gateway.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the handshakes a gateway has in flight, from the first check until the socket is
 * registered in the store. Past the bound a new handshake is answered 503 at once, before any work,
 * and the client retries; without it a burst is admitted faster than the store registers it, and
 * registrations time out after the socket already opened (bench run 20261129-114911-floors: 387 of
 * 19,000 sockets closed 1012 with 512 handshakes in flight on 2 cores).
 */
public final class HandshakeGate {
  /** Default of {@code WS_HANDSHAKES_IN_FLIGHT}. */
  public static final int DEFAULT_IN_FLIGHT = 256;

  /** One handshake's place; released once (further calls do nothing). */
  public static final class Permit {
    private final AtomicBoolean held = new AtomicBoolean(true);
    private final AtomicInteger count;

    private Permit(AtomicInteger count) {
      this.count = count;
    }

    public void release() {
      if (held.compareAndSet(true, false)) count.decrementAndGet();
    }
  }

  private final int max;
  private final AtomicInteger inFlight = new AtomicInteger();

  public HandshakeGate(int max) {
    if (max < 1) throw new IllegalArgumentException("WS_HANDSHAKES_IN_FLIGHT must be at least 1");
    this.max = max;
  }

  /** A place for one more handshake, or null when {@code max} are in flight. */
  Permit tryEnter() {
    while (true) {
      int n = inFlight.get();
      if (n >= max) return null;
      if (inFlight.compareAndSet(n, n + 1)) return new Permit(inFlight);
    }
  }

  int inFlight() {
    return inFlight.get();
  }
}
