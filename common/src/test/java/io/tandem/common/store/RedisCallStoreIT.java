package io.tandem.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ErrorCode;
import io.tandem.common.RedisKeys;
import io.tandem.common.msg.UserRef;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CallStoreContract} against a real redis-server, plus the facts of the Redis key schema. */
class RedisCallStoreIT extends RedisContract {
  @Override
  String partition() {
    return "";
  }

  @Test
  void sessionsExpireAfterAnHour() {
    Pairing p = pair(user("a"), user("b"));
    assertTrue(redisProbe.cmd(Command.TTL, RedisKeys.session(p.sessionId())).toLong() > 3000);
  }

  @Test
  void redisTroubleIsUnavailable() {
    CallStore down = new RedisCallStore(Redis.createClient(vertx, "redis://127.0.0.1:1"));
    assertEquals(ErrorCode.UNAVAILABLE, failure(down.stats()).code());
    assertEquals(ErrorCode.UNAVAILABLE, failure(down.join(new UserRef("u_a", "c_a", NODE), List.of(), RULES)).code());
    assertEquals(ErrorCode.UNAVAILABLE, failure(down.removeNode(NODE)).code());
  }

  /** Every key the steps write is declared in RedisKeys; once everyone leaves, only counters and timed keys remain. */
  @Test
  void everyKeyIsDeclaredAndNothingIsLeftBehind() {
    List<UserRef> users = new ArrayList<>();
    for (int i = 0; i < 6; i++) users.add(user("k" + i));
    store.join(users.get(0), List.of("chess"), RULES).await();
    Pairing p1 = paired(users.get(1), List.of("chess"));
    store.confirm(p1.sessionId()).await();
    pair(users.get(2), users.get(3));
    store.join(users.get(4), List.of("golf", "art"), RULES).await();
    store.endCall(users.get(0), p1.sessionId()).await();
    JoinOutcome last = store.join(users.get(5), List.of(), RULES).await();
    store.suspend(users.get(2), GRACE).await();
    store.expireGrace(5000, 100).await();
    store.reapDeadNode(5000, 100, GRACE).await();
    store.stats().await();
    List<String> declared = List.of(RedisKeys.QUEUE, RedisKeys.QUEUE_PLAIN, RedisKeys.ONLINE, RedisKeys.NODES,
        RedisKeys.PENDING, RedisKeys.STORE_CLOCK, RedisKeys.STORE_STALL, RedisKeys.GRACE);
    List<String> prefixes = List.of(RedisKeys.USER_PREFIX, RedisKeys.SESSION_PREFIX, RedisKeys.NODE_USERS_PREFIX,
        RedisKeys.INTEREST_QUEUE_PREFIX, RedisKeys.PAIR_ENDED_PREFIX);
    for (Response k : redisProbe.cmd(Command.KEYS, "*")) {
      String key = k.toString();
      assertTrue(declared.contains(key) || prefixes.stream().anyMatch(key::startsWith), "undeclared key " + key);
    }
    users.forEach(u -> store.disconnect(u).await());
    assertEquals(JoinOutcome.QUEUED, last, "users 5 waits (2 and 3 are in a call)");
    store.removeNode(NODE).await();
    for (Response k : redisProbe.cmd(Command.KEYS, "*")) {
      String key = k.toString();
      boolean timed = redisProbe.cmd(Command.PTTL, key).toLong() > 0;
      assertTrue(key.equals(RedisKeys.STORE_CLOCK) || timed,
          "left behind once everyone left: " + key);
    }
  }
}
