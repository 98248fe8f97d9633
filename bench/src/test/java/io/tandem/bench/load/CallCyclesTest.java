package io.tandem.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallCyclesTest {
  @Test
  void everyUserTakesPartOncePerPass() {
    int n = 10;
    for (int pass = 0; pass < n / 2; pass++) {
      Set<Integer> seen = new HashSet<>();
      for (int s = 0; s < n / 2; s++) {
        int[] ab = CallCycles.Pool.users(n, (long) pass * (n / 2) + s, true);
        assertTrue(seen.add(ab[0]), "user " + ab[0] + " twice in pass " + pass);
        assertTrue(seen.add(ab[1]), "user " + ab[1] + " twice in pass " + pass);
      }
      assertEquals(n, seen.size());
    }
  }

  @Test
  void rotatingPoolsNeverRepeatAPartnerWithinHalfThePoolsPasses() {
    int n = 12;
    Set<String> met = new HashSet<>();
    for (long c = 0; c < (long) (n / 2) * (n / 2); c++) {
      int[] ab = CallCycles.Pool.users(n, c, true);
      assertNotEquals(ab[0], ab[1]);
      assertTrue(met.add(Math.min(ab[0], ab[1]) + "-" + Math.max(ab[0], ab[1])), "pair met twice at cycle " + c);
    }
  }

  @Test
  void barePoolsKeepTheirPartners() {
    for (long c = 0; c < 40; c++) {
      int[] ab = CallCycles.Pool.users(8, c, false);
      assertEquals(ab[0] + 1, ab[1]);
    }
  }
}
