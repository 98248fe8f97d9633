package io.tandem.common.store;

import io.tandem.common.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link CallStoreContract} against a real redis-server (one per test class), flushed before each test, in one partition. */
abstract class RedisContract extends CallStoreContract {
  static TestRedis server;
  static Vertx vertx;
  static Redis redis;
  RedisProbe redisProbe;

  @BeforeAll
  static void start() throws Exception {
    server = TestRedis.start();
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, server.url());
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await();
    if (server != null) server.close();
  }

  /** The matching partition the store works in ({@code ""}: the default one). */
  abstract String partition();

  @Override
  StoreProbe open() {
    redisProbe = new RedisProbe(redis, partition());
    redisProbe.cmd(Command.FLUSHALL);
    return redisProbe;
  }
}
