package io.tandem.bench.crowd;

import io.tandem.bench.run.Bench;
import io.tandem.bench.run.Tokens;
import io.tandem.bench.run.Ws;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * "Does matching work again?": from a given instant, every {@link #INTERVAL} a brand-new pair of
 * users (fresh tokens from auth-service, fresh sockets on two different gateways) joins; the figure
 * is the time from the fault until the first new user got {@code matched} (with the other new
 * user, or with someone already waiting; the audit checks the other side heard of it too). Each
 * step is bounded; the probe users join the crowd, so the audit covers them too.
 */
public final class MatchProbe {
  /** Time between two attempts. */
  public static final Duration INTERVAL = Duration.ofMillis(500);
  /** How long one attempt waits for {@code matched}. */
  public static final Duration ATTEMPT = Duration.ofSeconds(4);

  private MatchProbe() {}

  /** The outcome: milliseconds from {@code sinceNanos} to the first matched pair (-1: none within the bound), and attempts made. */
  public record Result(double ms, int attempts, String lastFailure) {}

  /**
   * Probes until a pair matches or {@code bound} passed since {@code sinceNanos}. Gateways are
   * indexes into the topology (a stopped gateway must not be named).
   */
  public static Result run(Bench bench, Crowd crowd, long sinceNanos, Duration bound, int gatewayA, int gatewayB)
      throws InterruptedException {
    long deadline = sinceNanos + bound.toNanos();
    int attempts = 0;
    String failure = null;
    while (System.nanoTime() < deadline) {
      long started = System.nanoTime();
      attempts++;
      try {
        List<Tokens.Token> t = bench.tokens().fetch(2).await(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
        int ga = gatewayA;
        int gb = gatewayB;
        Ws a = Ws.connect(bench.ws, bench.topology().gatewayPort(ga), ga, t.get(0)).await(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
        Ws b = Ws.connect(bench.ws, bench.topology().gatewayPort(gb), gb, t.get(1)).await(ATTEMPT.toMillis(), TimeUnit.MILLISECONDS);
        ChaosUser ua = new ChaosUser(a);
        ChaosUser ub = new ChaosUser(b);
        crowd.adopt(ua);
        crowd.adopt(ub);
        ua.join();
        ub.join();
        long d = Math.min(deadline, System.nanoTime() + ATTEMPT.toNanos());
        ua.awaitState(u -> u.sessionId() != null || u.answer() == ChaosUser.JoinAnswer.REFUSED, d);
        ub.awaitState(u -> u.sessionId() != null || u.answer() == ChaosUser.JoinAnswer.REFUSED, d);
        if (ua.sessionId() != null || ub.sessionId() != null) {
          // one of them may have been paired with someone who was already waiting; the other then waits
          return new Result((System.nanoTime() - sinceNanos) / 1e6, attempts, failure);
        }
        failure = "a: " + describe(ua) + ", b: " + describe(ub);
      } catch (Exception e) {
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      long next = started + INTERVAL.toNanos() - System.nanoTime();
      if (next > 0) TimeUnit.NANOSECONDS.sleep(next);
    }
    return new Result(-1, attempts, failure);
  }

  /** {@link #run} on its own thread (the caller goes on with the fault meanwhile). */
  public static java.util.concurrent.CompletableFuture<Result> async(Bench bench, Crowd crowd, long sinceNanos, Duration bound,
                                                                     int gatewayA, int gatewayB) {
    java.util.concurrent.CompletableFuture<Result> f = new java.util.concurrent.CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(run(bench, crowd, sinceNanos, bound, gatewayA, gatewayB));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "match-probe");
    t.setDaemon(true);
    t.start();
    return f;
  }

  private static String describe(ChaosUser u) {
    return u.answer() == ChaosUser.JoinAnswer.REFUSED ? "refused " + u.refusal() : u.answer().name().toLowerCase();
  }
}
