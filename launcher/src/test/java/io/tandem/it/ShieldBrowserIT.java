package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The nudity shield with the real model (issue 22): vendored nsfwjs MobileNetV2 on TensorFlow.js in a worker,
 * two real Chromiums on the fake camera (a neutral moving pattern) against the one-command launcher. Both see
 * the other's video blurred first (a CSS filter on the video element while the first frames play), then
 * clear; the model was loaded while the landing page was idle. Prints the budgets of issue 22 (quoted in
 * the README): model ready on the landing page, first verdict after the stranger's first decoded frame
 * (median of the runs), later checks (median), main-thread long tasks during the call.
 */
class ShieldBrowserIT {
  static final int RUNS = Integer.getInteger("shield.runs", 5);
  /** Generous sanity bounds (the budgets themselves are printed, not asserted: the machine is shared). */
  static final Duration MODEL_READY_BOUND = Duration.ofSeconds(30);
  static final long FIRST_VERDICT_SANITY_MS = 5000;
  /** How long each call runs after its first verdict, so later checks happen (one every ~2 s). */
  static final long STEADY_MS = 4500;

  static Launcher launcher;
  static int port;

  /** Records, inside the page, every change of the stranger's video's shield state with its CSS filter, and long tasks. */
  static final String RECORDER_JS = """
      window.__shield = { log: [], longTasks: [] };
      const v = document.getElementById('remote-video');
      new MutationObserver(() => window.__shield.log.push({ t: performance.now(), state: v.dataset.shield || '',
          filter: getComputedStyle(v).filter })).observe(v, { attributes: true, attributeFilter: ['data-shield'] });
      new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__shield.longTasks.push({ t: e.startTime, ms: e.duration })))
          .observe({ type: 'longtask' });
      """;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    port = LocalRedis.freePort();
    launcher = Launcher.start(Map.of("GATEWAY_PORT", Integer.toString(port)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (launcher != null) launcher.close();
  }

  @Test
  @SuppressWarnings("unchecked")
  void bothSeeTheOtherBlurredFirstThenClearWithinTheBudget() throws Exception {
    List<Double> readyMs = new ArrayList<>();
    List<Double> loadMs = new ArrayList<>();
    List<Double> firstVerdicts = new ArrayList<>();
    List<Double> laterChecks = new ArrayList<>();
    List<Double> modelTimes = new ArrayList<>();
    List<Double> longTasks = new ArrayList<>();
    String backend = null;
    try (Browser alice = new Browser("shield-alice", true); Browser bob = new Browser("shield-bob", true)) {
      Browser[] both = {alice, bob};
      for (int run = 0; run < RUNS; run++) {
        for (Browser b : both) {
          b.open(port);
          b.waitForState("landing");
          // the landing page is idle: the model and runtime load in the worker before anyone presses Start
          b.awaitInPage("shield model ready", "window.tandemShield.info !== null", MODEL_READY_BOUND);
          Map<String, Object> info = (Map<String, Object>) b.js("return window.tandemShield.info");
          backend = (String) info.get("backend");
          readyMs.add(((Number) info.get("readyAt")).doubleValue());
          loadMs.add(((Number) info.get("ms")).doubleValue());
          b.js(RECORDER_JS);
          b.type("#name", b == alice ? "Alice" : "Bob");
          b.type("#age", "30");
        }
        for (Browser b : both) b.js("document.getElementById('start').click()");
        for (Browser b : both) {
          b.awaitInPage("stranger's video clear (run " + run + ")", "window.tandemShield.remote === 'clear'", Duration.ofSeconds(30));
        }
        Thread.sleep(STEADY_MS);
        for (Browser b : both) {
          Map<String, Object> snap = (Map<String, Object>) b.js("return window.tandemShield");
          List<Map<String, Object>> calls = (List<Map<String, Object>>) snap.get("calls");
          assertEquals(1, calls.size(), b.label + ": one call on this page");
          Map<String, Object> call = calls.get(0);
          double firstFrame = ((Number) call.get("firstFrame")).doubleValue();
          double firstVerdict = ((Number) call.get("firstVerdict")).doubleValue();
          List<Number> checks = (List<Number>) call.get("checks");
          Map<String, Object> rec = (Map<String, Object>) b.js("return window.__shield");
          List<Map<String, Object>> log = (List<Map<String, Object>>) rec.get("log");
          String where = b.label + " run " + run + " " + log;
          // blurred first: the first state is 'checking' with a blur filter, set before the first frame was painted
          assertTrue(!log.isEmpty() && "checking".equals(log.get(0).get("state")), "blurred until a verdict: " + where);
          assertTrue(String.valueOf(log.get(0).get("filter")).contains("blur("), "a CSS blur filter on the video: " + where);
          assertTrue(((Number) log.get(0).get("t")).doubleValue() <= firstFrame, "blurred before the first frame: " + where);
          double clearAt = log.stream().filter(e -> "clear".equals(e.get("state"))).mapToDouble(e -> ((Number) e.get("t")).doubleValue())
              .findFirst().orElseThrow(() -> new AssertionError("never clear: " + where));
          assertTrue(clearAt >= firstFrame, "the first frame played blurred: " + where);
          assertTrue(log.stream().noneMatch(e -> "unsafe".equals(e.get("state")) || "unavailable".equals(e.get("state"))),
              "the real model finds the fake camera's neutral frames clear, every time: " + where);
          assertEquals("clear", snap.get("remote"), where);
          assertEquals("watching", snap.get("self"), b.label + ": our own camera is checked and not paused");
          assertTrue(checks.size() >= 2, b.label + ": checked again during the call: " + checks);
          firstVerdicts.add(firstVerdict - firstFrame);
          System.out.printf("shield: %s run %d: first verdict %.0f ms after the first frame (its check %s ms, model %s ms); checks %s, model %s%n",
              b.label, run, firstVerdict - firstFrame, checks.get(0), ((List<Number>) call.get("model")).get(0), checks, call.get("model"));
          for (int i = 1; i < checks.size(); i++) laterChecks.add(checks.get(i).doubleValue());
          for (Number m : (List<Number>) call.get("model")) modelTimes.add(m.doubleValue());
          for (Map<String, Object> t : (List<Map<String, Object>>) rec.get("longTasks")) {
            if (((Number) t.get("t")).doubleValue() >= clearAt) longTasks.add(((Number) t.get("ms")).doubleValue());
          }
          assertEquals(List.of(), b.consoleErrors(), b.label + ": no console errors (a CSP violation is one)");
        }
      }
    }
    System.out.printf("shield: backend %s; loading + warming the model in the worker took median %.0f ms %s;"
        + " ready %s ms after the landing page opened (loading starts once it has been idle 2 s)%n", backend,
        median(loadMs), rounded(loadMs), rounded(readyMs));
    System.out.printf("shield: first verdict after the stranger's first decoded frame: median %.0f ms over %d (budget 400 ms), all %s%n",
        median(firstVerdicts), firstVerdicts.size(), rounded(firstVerdicts));
    System.out.printf("shield: later checks (frame capture + transfer + model + answer): median %.0f ms over %d (budget 150 ms),"
        + " max %.0f ms; the model alone in the worker: median %.0f ms%n",
        median(laterChecks), laterChecks.size(), Collections.max(laterChecks), median(modelTimes));
    System.out.printf("shield: main-thread long tasks while the call was checked: %d (max %.0f ms; budget: none over 50 ms from the shield)%n",
        longTasks.size(), longTasks.isEmpty() ? 0.0 : Collections.max(longTasks));
    for (double v : firstVerdicts) assertTrue(v < FIRST_VERDICT_SANITY_MS, "first verdicts within a sane bound: " + firstVerdicts);
  }

  static double median(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }

  static List<Long> rounded(List<Double> values) {
    return values.stream().map(Math::round).toList();
  }
}
