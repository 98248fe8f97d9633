package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a person notices in the first seconds, in real Chromium against the one-command launcher: how
 * fast the stranger's video appears after Start. One launcher and one pair of browsers for the class.
 */
class ClientExperienceIT {
  /** Measured runs (after one warm-up); the README quotes the median. */
  static final int RUNS = 5;
  /** Generous bound per run: the target is 0.5 s median, never above 1 s, on a quiet machine (reported, not asserted). */
  static final Duration RUN_BOUND = Duration.ofSeconds(5);

  static Launcher launcher;
  static int port;
  static Browser alice;
  static Browser bob;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    port = LocalRedis.freePort();
    launcher = Launcher.start(Map.of("GATEWAY_PORT", Integer.toString(port)));
    alice = new Browser("ttv-alice", true);
    bob = new Browser("ttv-bob", true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (alice != null) alice.close();
    if (bob != null) bob.close();
    if (launcher != null) launcher.close();
  }

  /** Both press Start (a few ms apart) on fresh pages; → ms from the later press to the later first frame. */
  static long oneRun(int run, boolean print) throws Exception {
    for (Browser b : new Browser[] {alice, bob}) {
      b.open(port);
      b.waitForState("landing");
      b.type("#name", b == alice ? "Alice" : "Bob");
      b.type("#age", "30");
    }
    Thread.sleep(200); // the previous run's sockets are closed on the server too
    for (Browser b : new Browser[] {alice, bob}) b.js("document.getElementById('start').click()");
    Map<String, Map<String, Double>> abs = new LinkedHashMap<>();
    for (Browser b : new Browser[] {alice, bob}) {
      b.waitFor("first remote frame (run " + run + ")",
          d -> b.js("return window.tandem.timeline.marks.firstFrame !== undefined ? true : null"), RUN_BOUND.plusSeconds(5));
      abs.put(b.label, marks(b));
    }
    double lastStart = abs.values().stream().mapToDouble(m -> m.get("start")).max().orElseThrow();
    double lastFrame = abs.values().stream().mapToDouble(m -> m.get("firstFrame")).max().orElseThrow();
    long total = Math.round(lastFrame - lastStart);
    if (print) {
      StringBuilder sb = new StringBuilder(String.format("time-to-video run %d: %d ms (later Start → later first frame);"
          + " ms since the earlier Start:%n", run, total));
      double t0 = abs.values().stream().mapToDouble(m -> m.get("start")).min().orElseThrow();
      for (var e : abs.entrySet()) {
        sb.append("  ").append(e.getKey()).append(':');
        for (String step : List.of("start", "token", "camera", "socketOpen", "joined", "matched", "offerSent",
            "offerReceived", "answerSent", "answerReceived", "iceConnected", "firstFrame")) {
          Double t = e.getValue().get(step);
          if (t != null) sb.append(' ').append(step).append('=').append(Math.round(t - t0));
        }
        sb.append('\n');
      }
      System.out.print(sb);
    }
    return total;
  }

  /** The page's timeline marks as epoch milliseconds (timeOrigin + performance.now()). */
  @SuppressWarnings("unchecked")
  static Map<String, Double> marks(Browser b) {
    Map<String, Object> snap = (Map<String, Object>) b.js("return window.tandem.timeline");
    double origin = ((Number) snap.get("timeOrigin")).doubleValue();
    Map<String, Double> out = new LinkedHashMap<>();
    ((Map<String, Object>) snap.get("marks")).forEach((k, v) -> out.put(k, origin + ((Number) v).doubleValue()));
    return out;
  }

  @Test
  void startToStrangersVideoIsFast() throws Exception {
    oneRun(0, true); // warm-up: JIT, first Chromium media pipeline
    List<Long> totals = new ArrayList<>();
    for (int i = 1; i <= RUNS; i++) totals.add(oneRun(i, true));
    List<Long> sorted = new ArrayList<>(totals);
    Collections.sort(sorted);
    System.out.printf("time-to-video: median %d ms over %d runs, max %d ms, all %s (target: median <= 500 ms, never > 1000 ms)%n",
        sorted.get(RUNS / 2), RUNS, sorted.get(RUNS - 1), totals);
    for (long t : totals) assertTrue(t < RUN_BOUND.toMillis(), "a run took " + t + " ms");
  }
}
