package io.tandem.bench.faults;

import io.tandem.bench.crowd.Crowd;
import io.tandem.bench.run.Bench;
import io.tandem.bench.run.RedisCli;
import io.tandem.bench.run.Topology;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * What every fault works with: the bench (client Vert.x, tokens), the services, a Redis client
 * for the checks, the suite's parameters, and which children were stopped on purpose.
 *
 * @param bench the client side
 * @param redis checks against the topology's Redis (fresh connection per call)
 * @param p durations and sizes
 */
public record FaultEnv(Bench bench, RedisCli redis, Params p, Set<String> stopped) {
  public FaultEnv(Bench bench, RedisCli redis, Params p) {
    this(bench, redis, p, new HashSet<>());
  }

  public Topology topology() {
    return bench.topology();
  }

  public Crowd crowd() {
    return new Crowd(bench, redis);
  }

  /**
   * The suite's knobs; the defaults are the (400-join burst, 20 s freeze), the CI test
   * uses smaller ones. The service timings are the services' defaults (README) and only name the
   * bounds the figures are printed against.
   *
   * @param burst simultaneous joins when a matchmaker is killed
   * @param killAfterMs time from the burst's start to the kill
   * @param retries how often a user told to retry joins again (1.1 s apart, like the join budget allows)
   * @param settleMs after the matchmaker kill, when every user must be in a call, waiting or told to retry
   * @param calls live calls when a gateway is killed or stopped (half across gateways, a quarter on each)
   * @param freezeMs how long Redis is frozen (SIGSTOP … SIGCONT)
   * @param recoveryMs bound for tokens, reconnects and matching to work again after a Redis fault
   * @param busTimeoutMs the services' {@code BUS_TIMEOUT_MS}
   * @param redisTimeoutMs the services' {@code REDIS_TIMEOUT_MS} (how long one Redis command may take)
   * @param nodeTtlMs the matchmaker's {@code NODE_TTL_MS}
   * @param sweepMs the matchmaker's {@code SWEEP_INTERVAL_MS}
   * @param relayMs bound for a relay (offer, candidate) while another backend is down
   */
  public record Params(int burst, int killAfterMs, int retries, int settleMs, int calls, int freezeMs, int recoveryMs,
                       int busTimeoutMs, int redisTimeoutMs, int nodeTtlMs, int sweepMs, int relayMs) {
    /** Scheduling slack on top of a service timeout before a figure counts as over its bound. */
    public static final int SLACK_MS = 2_000;
    /** Least time between two joins of one socket (the gateway's join budget is 1 per second). */
    public static final int JOIN_GAP_MS = 1_100;

    /** When a client must have heard of a dead gateway: NODE_TTL_MS + SWEEP_INTERVAL_MS + slack. */
    public Duration deadGateway() {
      return Duration.ofMillis(nodeTtlMs + sweepMs + SLACK_MS);
    }

    /** When a request to a backend service that does not answer must be answered with an error: BUS_TIMEOUT_MS + slack. */
    public Duration unavailable() {
      return Duration.ofMillis(busTimeoutMs + SLACK_MS);
    }

    /**
     * When a match whose matchmaker died between pairing and its replies has been undone by the sweep and
     * both users told (docs/architecture.md, "When things fail": MATCH_CONFIRM_MS, by default
     * 2 × BUS_TIMEOUT_MS, + SWEEP_INTERVAL_MS) + slack. Before that a user may hold a `queued` while the store
     * still holds its pending match: the contract's bound, not a broken invariant.
     */
    public Duration pendingMatchUndone() {
      return Duration.ofMillis(2L * busTimeoutMs + sweepMs + SLACK_MS);
    }

    /**
     * When a request that needs a frozen Redis must be answered: BUS_TIMEOUT_MS + REDIS_TIMEOUT_MS +
     * slack (a join waits on the gateway's and then the matchmaker's store calls).
     */
    public Duration storeUnavailable() {
      return Duration.ofMillis(busTimeoutMs + redisTimeoutMs + SLACK_MS);
    }

    public Duration settle() {
      return Duration.ofMillis(settleMs);
    }

    public Duration recovery() {
      return Duration.ofMillis(recoveryMs);
    }

    public Duration freeze() {
      return Duration.ofMillis(freezeMs);
    }

    public Duration relay() {
      return Duration.ofMillis(relayMs);
    }
  }
}
