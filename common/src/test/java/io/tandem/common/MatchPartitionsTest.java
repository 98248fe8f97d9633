package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
  void theOverflowIsOnePartitionMoreWhoseSessionsSayWhereTheyAre() {
    MatchPartitions one = MatchPartitions.SINGLE;
    assertNull(one.overflow(), "one partition: nowhere to overflow to");
    assertEquals(List.of(""), one.withOverflow());
    assertEquals("", one.ofSession("so_made-up", "u1"), "an overflow-looking id means nothing with one partition");
    MatchPartitions three = new MatchPartitions("eu", 3);
    assertEquals("eu-overflow", three.overflow());
    assertEquals(List.of("eu-0", "eu-1", "eu-2", "eu-overflow"), three.withOverflow());
    assertTrue(MatchPartitions.isOverflow("eu-overflow"));
    assertFalse(MatchPartitions.isOverflow("eu-0"));
    assertFalse(MatchPartitions.isOverflow(""));
    assertEquals("eu-overflow", three.ofSession(Ids.session(MatchPartitions.OVERFLOW_SESSION_PREFIX), "u1"));
    assertEquals(three.of("u1"), three.ofSession(Ids.session(), "u1"), "any other session lives in the user's own partition");
    assertEquals("{tandem:eu-overflow}:matchmaking:queue", RedisKeys.queue("eu-overflow"));
    assertEquals("tandem.matchmaker.join.eu-overflow", Addresses.matchmakerJoin("eu-overflow"));
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
