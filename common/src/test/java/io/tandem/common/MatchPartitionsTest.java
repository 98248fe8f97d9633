package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatchPartitionsTest {
  @Test
  void onePartitionKeepsTodaysKeysAndAddresses() {
    MatchPartitions one = MatchPartitions.from(Env.with(Map.of()));
    assertEquals(List.of(""), one.names());
    assertEquals("", one.of("u_anyone"));
    assertEquals(RedisKeys.QUEUE, RedisKeys.queue(""));
    assertEquals(RedisKeys.user("u1"), RedisKeys.user("", "u1"));
    assertEquals(Addresses.MATCHMAKER_JOIN, Addresses.matchmakerJoin(""));
  }

  @Test
  void usersSpreadStablyOverTheRegionsPartitions() {
    MatchPartitions three = MatchPartitions.from(Env.with(Map.of("REGION", "eu", "MATCH_PARTITIONS", "3")));
    assertEquals(List.of("eu-0", "eu-1", "eu-2"), three.names());
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      String p = three.of("u_" + i);
      assertEquals(p, new MatchPartitions("eu", 3).of("u_" + i), "the same user, the same partition, on every node");
      counts.merge(p, 1, Integer::sum);
    }
    counts.values().forEach(n -> assertTrue(n > 800 && n < 1200, "spread " + counts));
    assertEquals("{tandem:eu-1}:matchmaking:queue", RedisKeys.queue("eu-1"));
    assertEquals("{tandem:eu-1}:user:u1", RedisKeys.user("eu-1", "u1"));
    assertEquals("tandem.matchmaker.join.eu-1", Addresses.matchmakerJoin("eu-1"));
  }

  @Test
  void badSettingsAreRefusedByName() {
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> MatchPartitions.from(Env.with(Map.of("MATCH_PARTITIONS", "0"))));
    assertTrue(count.getMessage().contains("MATCH_PARTITIONS"), count.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MatchPartitions.from(Env.with(Map.of("MATCH_PARTITIONS", "65"))));
    IllegalArgumentException region = assertThrows(IllegalArgumentException.class,
        () -> MatchPartitions.from(Env.with(Map.of("REGION", "EU West", "MATCH_PARTITIONS", "2"))));
    assertTrue(region.getMessage().contains("REGION"), region.getMessage());
    assertEquals(List.of(""), MatchPartitions.from(Env.with(Map.of("REGION", "EU West"))).names(), "one partition: any region name");
  }
}
