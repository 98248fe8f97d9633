package io.tandem.bench.crowd;

import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Users whose socket closed connect again with the token they hold, like the web client after a
 * 1012, every {@link #INTERVAL} until the handshake succeeds or the bound passes. A 401 here means
 * valid tokens are refused (e.g. the gateway lost its verification keys).
 */
public final class Reconnects {
  /** Time between two attempts of one user. */
  public static final Duration INTERVAL = Duration.ofMillis(500);

  private Reconnects() {}

  /** How many came back, when the last one did (ms after {@code sinceNanos}, -1 when not all), and the last refusal. */
  public record Result(int tried, int back, double lastBackMs, int refusedHandshakes, String lastRefusal) {}

  /** Reconnects every user of {@code users} whose socket is closed, to the gateway it was on. */
  public static Result run(Bench bench, List<ChaosUser> users, long sinceNanos, Duration bound) throws InterruptedException {
    long deadline = sinceNanos + bound.toNanos();
    List<ChaosUser> todo = new java.util.ArrayList<>(users.stream().filter(ChaosUser::left).toList());
    int tried = todo.size();
    int refused = 0;
    String last = null;
    double lastBack = -1;
    while (!todo.isEmpty() && System.nanoTime() < deadline) {
      long round = System.nanoTime();
      for (java.util.Iterator<ChaosUser> it = todo.iterator(); it.hasNext(); ) {
        ChaosUser u = it.next();
        int gateway = u.ws().gateway;
        try {
          Ws w = Ws.connect(bench.ws, bench.topology().gatewayPort(gateway), gateway, u.token)
              .await(Math.max(100, (deadline - System.nanoTime()) / 1_000_000L), TimeUnit.MILLISECONDS);
          u.attach(w);
          it.remove();
          lastBack = (System.nanoTime() - sinceNanos) / 1e6;
        } catch (Exception e) {
          refused++;
          last = e.getMessage();
        }
      }
      long sleep = round + INTERVAL.toNanos() - System.nanoTime();
      if (!todo.isEmpty() && sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
    }
    return new Result(tried, tried - todo.size(), todo.isEmpty() ? lastBack : -1, refused, last);
  }
}
