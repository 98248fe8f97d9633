package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PowScheduleTest {
  @Test
  void aNetworksFirstTokensCostTheBaseThenOneBitPerDoubling() {
    int b = 15;
    for (int n = 1; n <= PowSchedule.FREE_TOKENS; n++) assertEquals(b, PowSchedule.difficulty(b, n));
    assertEquals(b + 1, PowSchedule.difficulty(b, PowSchedule.FREE_TOKENS + 1));
    assertEquals(b + 1, PowSchedule.difficulty(b, 2 * PowSchedule.FREE_TOKENS));
    assertEquals(b + 2, PowSchedule.difficulty(b, 2 * PowSchedule.FREE_TOKENS + 1));
    assertEquals(b + 8, PowSchedule.difficulty(b, 1000), "1,000 quick tokens: 4 * 2^8 = 1024 >= 1000");
    assertEquals(PowSchedule.MAX_DIFFICULTY, PowSchedule.difficulty(b, 1e9), "capped");
    assertEquals(b, PowSchedule.difficulty(b, 0.3), "a faded level counts as one token");
    assertEquals(PowSchedule.MAX_BASE, PowSchedule.difficulty(PowSchedule.MAX_BASE, 1e9), "an operator's base at the cap stays");
  }

  @Test
  void theWorkOfAThousandQuickTokensFromOneNetwork() {
    double hashes = 0;
    for (int n = 1; n <= 1000; n++) hashes += Math.pow(2, PowSchedule.difficulty(PowSchedule.BASE_DIFFICULTY, n));
    // ~1.1e10 expected hashes: at 11.8 million SHA-256 tries per second (one core, Java; PowCost) about 16 CPU-minutes.
    assertTrue(hashes > 1.0e10 && hashes < 1.2e10, "expected hashes " + hashes);
  }

  @Test
  void solutionsAreCheckedBitByBit() {
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        HexFormat.of().formatHex(ProofOfWork.hash("ab", "c")), "SHA-256 of challenge + nonce");
    assertEquals(0, ProofOfWork.leadingZeroBits(new byte[] {(byte) 0x80, 0}));
    assertEquals(9, ProofOfWork.leadingZeroBits(new byte[] {0, 0x40}));
    assertEquals(16, ProofOfWork.leadingZeroBits(new byte[] {0, 0}));
    String nonce = ProofOfWork.solve("some challenge", 12);
    assertTrue(ProofOfWork.solves("some challenge", nonce, 12));
    assertTrue(ProofOfWork.leadingZeroBits(ProofOfWork.hash("some challenge", nonce)) >= 12);
    long n = Long.parseLong(nonce);
    for (long k = 0; k < n; k++) assertFalse(ProofOfWork.solves("some challenge", Long.toString(k), 12), "the smallest nonce");
  }
}
