package io.tandem.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.RedisKeys;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;

/**
 * {@link CallStoreContract} in a matching partition other than the default one ({@code MATCH_PARTITIONS}
 * > 1): the same answers, and every key the steps write carries the partition's own hash tag.
 */
class PartitionRedisCallStoreIT extends RedisContract {
  static final String PARTITION = "eu-1";

  @Override
  String partition() {
    return PARTITION;
  }

  @Test
  void everyKeyCarriesThePartitionsTag() {
    io.tandem.common.msg.UserRef a = user("a");
    Pairing p = pair(a, user("b"));
    store.join(user("c"), java.util.List.of("chess"), RULES).await();
    assertEquals(EndResult.Status.ENDED, store.endCall(a, p.sessionId()).await().status());
    int keys = 0;
    for (Response k : redisProbe.cmd(Command.KEYS, "*")) {
      keys++;
      assertTrue(k.toString().startsWith(RedisKeys.tag(PARTITION)), "key outside the partition: " + k);
    }
    assertTrue(keys > 0);
    assertEquals(0, redisProbe.cmd(Command.EXISTS, RedisKeys.QUEUE).toInteger(), "nothing in the default partition");
  }
}
