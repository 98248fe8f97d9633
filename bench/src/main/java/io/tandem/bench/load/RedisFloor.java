package io.tandem.bench.load;

import io.tandem.bench.run.Latency;
import io.tandem.bench.run.Proc;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;

/**
 * The Redis floor: round trips of {@code PING} and of {@code EVALSHA} of a trivial script
 * ({@code return 1}), one at a time from an event loop with the same client library the services
 * use (vertx-redis-client), and the server's CPU per trivial EVALSHA ({@code /proc} of the
 * redis-server process over the loop).
 */
final class RedisFloor {
  /** The trivial script. */
  static final String TRIVIAL = "return 1";

  /** Round trips of both commands and the Redis CPU they cost. */
  record Result(Latency ping, Latency evalsha, double redisCpuMicrosPerEvalsha) {}

  private RedisFloor() {}

  static Result measure(Vertx vertx, int redisPort, long redisPid, int warmup, int samples) throws Exception {
    Redis redis = Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort);
    try {
      String sha = RedisAPI.api(redis).script(List.of("LOAD", TRIVIAL)).await(10, TimeUnit.SECONDS).toString();
      Supplier<Request> ping = () -> Request.cmd(Command.PING);
      Supplier<Request> eval = () -> Request.cmd(Command.EVALSHA).arg(sha).arg(0);
      loop(vertx, redis, ping, warmup, null).await(120, TimeUnit.SECONDS);
      loop(vertx, redis, eval, warmup, null).await(120, TimeUnit.SECONDS);
      Latency pings = new Latency();
      loop(vertx, redis, ping, samples, pings).await(120, TimeUnit.SECONDS);
      Latency evals = new Latency();
      long cpu0 = Proc.cpuMillis(redisPid);
      loop(vertx, redis, eval, samples, evals).await(120, TimeUnit.SECONDS);
      long cpu1 = Proc.cpuMillis(redisPid);
      double perCall = cpu0 < 0 || cpu1 < 0 ? -1 : (cpu1 - cpu0) * 1000.0 / samples;
      return new Result(pings, evals, perCall);
    } finally {
      redis.close();
    }
  }

  /** {@code n} requests one after the other, each sent from the event loop when the previous answered. */
  private static Future<Void> loop(Vertx vertx, Redis redis, Supplier<Request> request, int n, Latency into) {
    Promise<Void> done = Promise.promise();
    vertx.runOnContext(v -> next(redis, request, n, into, done));
    return done.future();
  }

  private static void next(Redis redis, Supplier<Request> request, int left, Latency into, Promise<Void> done) {
    if (left == 0) {
      done.complete();
      return;
    }
    long t0 = System.nanoTime();
    redis.send(request.get()).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      if (into != null) into.recordNanos(System.nanoTime() - t0);
      next(redis, request, left - 1, into, done);
    });
  }
}
