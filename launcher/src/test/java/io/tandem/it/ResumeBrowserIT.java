package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Issue 12 in real Chromium: two pages in a call behind a round-robin TCP load balancer over two gateway
 * processes; the gateway holding one page's socket is killed (SIGKILL). Both pages keep the stranger's video
 * playing, and both come back to "Connected" in the same call with chat working both ways, without anyone
 * pressing anything. Prints how long the page showed "Reconnecting…" and how long it was without signaling.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeBrowserIT {
  /** The server's grace window for an unintended drop (RESUME_GRACE_MS; the default). */
  static final int GRACE_MS = 10_000;
  /** How often each page samples its remote video's currentTime and its state. */
  static final int SAMPLE_MS = 250;
  /** The longest the stranger's video may stand still (currentTime not advancing) around the kill. */
  static final long MAX_STALL_MS = 1000;
  /** The resumed call is watched this long after both are back. */
  static final Duration WATCH_AFTER = Duration.ofSeconds(2);
  /** The page must have resumed within the grace window plus a margin. */
  static final Duration RESUME_BOUND = Duration.ofMillis(GRACE_MS + 5000);

  static Launcher core;
  static GatewayProcess g1;
  static GatewayProcess g2;
  static TcpProxy proxy;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    int base = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
    Map<String, String> cluster = Settings.manyClients(Map.of(
        "CLUSTER_NAME", "resume-" + UUID.randomUUID(), "CLUSTER_PORT", Integer.toString(base),
        "RESUME_GRACE_MS", Integer.toString(GRACE_MS)));
    // auth, matchmaker and chat on the launcher's node (with its local Redis), no gateway there: the pages
    // reach the system only through the proxy, i.e. through the two gateway processes.
    Map<String, String> coreSettings = new HashMap<>(cluster);
    coreSettings.put("CLUSTERED", "true");
    coreSettings.put("LAUNCHER_SERVICES", "auth,matchmaker,chat");
    core = Launcher.start(coreSettings);
    Map<String, String> gw = new HashMap<>(cluster);
    gw.put("REDIS_URL", core.env().raw("REDIS_URL"));
    g1 = GatewayProcess.start("resume-gateway-1", LocalRedis.freePort(), gw);
    g2 = GatewayProcess.start("resume-gateway-2", LocalRedis.freePort(), gw);
    proxy = new TcpProxy(List.of(g1.port(), g2.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) proxy.close();
    if (g1 != null) g1.close();
    if (g2 != null) g2.close();
    if (core != null) core.close();
  }

  /** The page's origin is the proxy's: the gateways see the proxy's Host and Origin (a TCP balancer rewrites nothing). */
  static Browser page(String name) throws Exception {
    Browser b = new Browser(name, true);
    b.driver.get("http://127.0.0.1:" + proxy.port() + "/");
    b.waitForState("landing");
    return b;
  }

  /** The /signaling connections through the proxy right now. */
  static List<TcpProxy.Link> sockets() {
    return proxy.openLinks().stream().filter(l -> l.isWebSocket("/signaling")).toList();
  }

  static final String SAMPLER_JS = """
      const v = document.getElementById('remote-video');
      const el = (id) => document.getElementById(id);
      window.__samples = [];
      window.__sampler = setInterval(() => window.__samples.push([Date.now(), v.currentTime,
        el('status').dataset.state, window.tandem.sessionId || '', !el('peer-away').hidden,
        el('reconnect-banner').hidden ? '' : el('reconnect-count').textContent]), arguments[0]);
      return true;""";

  record Sample(long at, double videoTime, String state, String sessionId, boolean peerAway, String countdown) {}

  @SuppressWarnings("unchecked")
  static List<Sample> samples(Browser b) {
    List<List<Object>> raw = (List<List<Object>>) b.js("clearInterval(window.__sampler); return window.__samples;");
    List<Sample> out = new ArrayList<>();
    for (List<Object> r : raw) {
      out.add(new Sample(((Number) r.get(0)).longValue(), ((Number) r.get(1)).doubleValue(), (String) r.get(2),
          (String) r.get(3), (Boolean) r.get(4), (String) r.get(5)));
    }
    return out;
  }

  /** The longest time the video's currentTime did not advance, in ms. */
  static long longestStall(List<Sample> s) {
    long worst = 0;
    long lastAdvance = s.get(0).at();
    for (int i = 1; i < s.size(); i++) {
      if (s.get(i).videoTime() > s.get(i - 1).videoTime()) lastAdvance = s.get(i).at();
      worst = Math.max(worst, s.get(i).at() - lastAdvance);
    }
    return worst;
  }

  /** Total ms of samples in `state` (each sample stands for one period). */
  static long timeIn(List<Sample> s, String state) {
    return s.stream().filter(x -> state.equals(x.state())).count() * SAMPLE_MS;
  }

  static void chat(Browser from, Browser to, String text) {
    WebElement input = from.driver.findElement(By.cssSelector("#chat-input"));
    input.sendKeys(text);
    input.sendKeys(Keys.ENTER);
    to.waitFor("chat message '" + text + "' arrives", d -> d.findElements(By.cssSelector("#chat-log .msg.theirs .text")).stream()
        .anyMatch(e -> text.equals(e.getText())) ? true : null);
  }

  /** The gateways still running, as proxy backends. */
  static List<Integer> liveGateways() {
    return java.util.stream.Stream.of(g1, g2).filter(GatewayProcess::alive).map(GatewayProcess::port).toList();
  }

  /**
   * Puts two fresh pages in a call, the first one's socket on gateway port {@code portA}, the second's on
   * {@code portB} (the backend list steers new connections), then opens the proxy to every live gateway.
   * → the call's session id.
   */
  static String call(Browser a, int portA, Browser b, int portB) {
    proxy.setBackends(List.of(portA));
    a.start(a.label, 27, null);
    a.waitForState("searching");
    a.waitFor("first socket through the proxy", d -> sockets().size() == 1 ? true : null);
    assertEquals(portA, sockets().get(0).backendPort);
    proxy.setBackends(List.of(portB));
    b.start(b.label, 29, null);
    b.waitFor("second socket through the proxy", d -> sockets().size() == 2 ? true : null);
    proxy.setBackends(liveGateways());
    for (Browser x : new Browser[] {a, b}) {
      x.waitForState("connected");
      x.waitForRemoteVideoPlaying();
    }
    String sid = (String) a.js("return window.tandem.sessionId");
    assertEquals(sid, b.js("return window.tandem.sessionId"), "one call");
    return sid;
  }

  /** "1006/312ms, 1006/1043ms" from a resume record's retries. */
  @SuppressWarnings("unchecked")
  static String retries(Map<String, Object> record) {
    List<Map<String, Object>> t = (List<Map<String, Object>>) record.get("retries");
    return t.stream().map(x -> x.get("code") + "/" + x.get("delayMs") + "ms").collect(java.util.stream.Collectors.joining(", "));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> lastResume(Browser b) {
    List<Map<String, Object>> r = (List<Map<String, Object>>) b.js("return window.tandem.resumes");
    return r.isEmpty() ? null : r.get(r.size() - 1);
  }

  @Test
  @Order(1)
  @SuppressWarnings("unchecked")
  void aCallSurvivesTheLossOfItsGatewayWithoutAnyonePressingAnything() throws Exception {
    try (Browser alice = page("Alice"); Browser bob = page("Bob")) {
      String sid = call(alice, g1.port(), bob, g2.port());
      assertEquals(java.util.stream.Stream.of(g1.port(), g2.port()).sorted().toList(), sockets().stream().map(l -> l.backendPort).sorted().toList(),
          "one socket on each gateway: " + proxy.acceptedPerBackend());
      for (Browser b : new Browser[] {alice, bob}) b.js(SAMPLER_JS, SAMPLE_MS);
      Thread.sleep(1000); // a stretch of normal call before the kill

      long killedAt = System.currentTimeMillis();
      g1.kill();

      alice.waitFor("Alice resumed her call", d -> {
        List<Map<String, Object>> r = (List<Map<String, Object>>) alice.js("return window.tandem.resumes");
        return !r.isEmpty() && r.get(r.size() - 1).get("outcome") != null ? true : null;
      }, RESUME_BOUND);
      List<Map<String, Object>> resumes = (List<Map<String, Object>>) alice.js("return window.tandem.resumes");
      assertEquals(1, resumes.size(), "one drop: " + resumes);
      Map<String, Object> r = resumes.get(0);
      assertEquals("resumed", r.get("outcome"), "Alice's call was resumed, not ended: " + r);
      assertEquals(sid, r.get("sessionId"));
      for (Browser b : new Browser[] {alice, bob}) b.waitForState("connected");
      Thread.sleep(WATCH_AFTER.toMillis());
      List<Sample> sa = samples(alice);
      List<Sample> sb = samples(bob);

      long dropped = ((Number) r.get("droppedAt")).longValue();
      long opened = ((Number) r.get("openedAt")).longValue();
      long resumedAt = ((Number) r.get("resumedAt")).longValue();
      long stallA = longestStall(sa);
      long stallB = longestStall(sb);
      System.out.printf("resume (browser): Alice saw the drop %d ms after the kill; new socket open after %d ms; "
              + "\"Reconnecting…\" shown for %d ms (sampled: ~%d ms); without signaling %d ms (kill → resumed); "
              + "longest video stall: Alice %d ms, Bob %d ms; Bob saw \"Alice's connection dropped\": %s; "
              + "Alice's reconnects (close code, wait ms): %s; connections per gateway %s%n",
          dropped - killedAt, opened - dropped, resumedAt - dropped, timeIn(sa, "reconnecting"), resumedAt - killedAt,
          stallA, stallB, sb.stream().anyMatch(Sample::peerAway), retries(r), proxy.acceptedPerBackend());

      assertTrue(sa.stream().anyMatch(s -> "reconnecting".equals(s.state())) || resumedAt - dropped < SAMPLE_MS,
          "Alice showed Reconnecting… while her socket was away");
      for (List<Sample> s : List.of(sa, sb)) {
        assertTrue(s.stream().allMatch(x -> sid.equals(x.sessionId())), "the same call throughout, never a new match");
        assertTrue(s.stream().noneMatch(x -> "searching".equals(x.state()) || "peer-left".equals(x.state())),
            "nobody went back to searching");
      }
      assertTrue(stallA <= MAX_STALL_MS, "Alice's view of Bob kept playing; longest stall " + stallA + " ms");
      assertTrue(stallB <= MAX_STALL_MS, "Bob's view of Alice kept playing; longest stall " + stallB + " ms");
      assertEquals(List.of(g2.port(), g2.port()), sockets().stream().map(l -> l.backendPort).toList(),
          "both sockets now on the surviving gateway");

      chat(alice, bob, "Still there, Bob?");
      chat(bob, alice, "Yes, never left!");
      assertEquals("connected", alice.state());
      assertEquals("connected", bob.state());
      assertTrue(alice.driver.findElement(By.cssSelector("#reconnect-banner")).getDomProperty("hidden").equals("true"),
          "the reconnect banner is gone");
      assertNotNull(alice.js("return window.tandem.sessionId"));
    }
  }

  /**
   * The network goes away under both pages at once (every connection cut, nothing accepts new ones): both
   * show "Reconnecting…" with a live countdown and Retry now (axe-clean); Retry now tries at once; once the
   * network is back, one page is brought back by Retry now and the other by its own countdown, into the same
   * call, within the grace window.
   */
  @Test
  @Order(2)
  void whileNoGatewayIsReachableThePageCountsDownAndRetryNowTriesAtOnce() throws Exception {
    List<Integer> alive = liveGateways();
    try (Browser carol = page("Carol"); Browser dave = page("Dave")) {
      String sid = call(carol, alive.get(0), dave, alive.get(alive.size() - 1));
      for (Browser b : new Browser[] {carol, dave}) b.js(SAMPLER_JS, SAMPLE_MS);
      Thread.sleep(500);

      proxy.setBackends(List.of(LocalRedis.freePort())); // nothing listens there: every new connection is refused
      long cutAt = System.currentTimeMillis();
      assertTrue(proxy.cutAll() >= 2, "both sockets cut");
      carol.waitFor("a countdown with Retry now", d -> {
        String count = carol.driver.findElement(By.cssSelector("#reconnect-count")).getText();
        return count.startsWith("trying again in") && carol.driver.findElement(By.cssSelector("#retry-now")).isDisplayed()
            ? true : null;
      }, Duration.ofSeconds(5));
      assertEquals("reconnecting", carol.state());
      assertTrue(carol.driver.findElement(By.cssSelector("#reconnect-text")).getText().startsWith("Reconnecting"));
      assertEquals(List.of(), Axe.violations(carol), "axe-core violations with the reconnect banner shown");

      int refused = proxy.refusedClients();
      long pressed = System.currentTimeMillis();
      carol.driver.findElement(By.cssSelector("#retry-now")).click();
      carol.waitFor("Retry now tries at once", d -> proxy.refusedClients() > refused ? true : null, Duration.ofSeconds(2));
      long triedAfter = System.currentTimeMillis() - pressed;

      proxy.setBackends(alive);
      carol.waitFor("the countdown is back after the refused try", d ->
          carol.driver.findElement(By.cssSelector("#retry-now")).isDisplayed() ? true : null, Duration.ofSeconds(5));
      carol.driver.findElement(By.cssSelector("#retry-now")).click();
      for (Browser b : new Browser[] {carol, dave}) {
        b.waitFor(b.label + " resumed", d -> {
          Map<String, Object> r = lastResume(b);
          return r != null && r.get("outcome") != null ? true : null;
        }, RESUME_BOUND);
        assertEquals("resumed", lastResume(b).get("outcome"), b.label + ": " + lastResume(b));
        b.waitForState("connected");
      }
      List<Sample> sc = samples(carol);
      List<Sample> sd = samples(dave);
      long carolBack = ((Number) lastResume(carol).get("resumedAt")).longValue() - cutAt;
      long daveBack = ((Number) lastResume(dave).get("resumedAt")).longValue() - cutAt;
      List<String> daveCounts = sd.stream().map(Sample::countdown).filter(c -> c.startsWith("trying again in")).distinct().toList();
      List<String> allCounts = java.util.stream.Stream.concat(sc.stream(), sd.stream()).map(Sample::countdown)
          .filter(c -> c.startsWith("trying again in")).distinct().toList();
      System.out.printf("resume (network cut, nothing reachable): Retry now tried after %d ms; Carol (Retry now) back after %d ms,"
              + " Dave (countdown) back after %d ms; Dave's countdown showed %s (reconnects %s); longest video stall: Carol %d ms,"
              + " Dave %d ms%n",
          triedAfter, carolBack, daveBack, daveCounts, retries(lastResume(dave)), longestStall(sc), longestStall(sd));
      assertTrue(allCounts.size() >= 2, "the countdown changed while they waited: " + allCounts);
      for (List<Sample> s : List.of(sc, sd)) {
        assertTrue(s.stream().allMatch(x -> sid.equals(x.sessionId())), "the same call throughout");
      }
      assertTrue(longestStall(sc) <= MAX_STALL_MS, "Carol's view kept playing: " + longestStall(sc) + " ms");
      assertTrue(longestStall(sd) <= MAX_STALL_MS, "Dave's view kept playing: " + longestStall(sd) + " ms");
      chat(carol, dave, "Back again");
      chat(dave, carol, "Me too");
    }
  }

  /**
   * Seen from the one who stays: the stranger's socket is cut and cannot come back for a while. The page
   * says "Frank's connection dropped, waiting…" with a countdown (axe-clean), keeps the video playing, keeps
   * a chat line the server refuses meanwhile (peer-away) in the box with the reason, and once the stranger
   * is back says so, hides the notice, and the kept line goes through.
   */
  @Test
  @Order(3)
  void whenTheStrangersSocketDropsThePageSaysSoAndKeepsTheCall() throws Exception {
    List<Integer> alive = liveGateways();
    try (Browser erin = page("Erin"); Browser frank = page("Frank")) {
      String sid = call(erin, alive.get(0), frank, alive.get(alive.size() - 1));
      for (Browser b : new Browser[] {erin, frank}) b.js(SAMPLER_JS, SAMPLE_MS);
      TcpProxy.Link franks = sockets().get(1); // call() opened Erin's socket first
      proxy.setBackends(List.of(LocalRedis.freePort())); // Frank cannot get back in for now
      franks.close();
      erin.waitFor("the stranger's drop is shown", d -> {
        WebElement n = d.findElement(By.cssSelector("#peer-away"));
        return n.isDisplayed() && n.getText().contains("Frank's connection dropped, waiting") ? true : null;
      }, Duration.ofSeconds(5));
      String count = erin.driver.findElement(By.cssSelector("#peer-away-count")).getText();
      assertTrue(count.matches("\\d+ s"), "a countdown of the grace window: " + count);
      assertEquals("connected", erin.state(), "the call goes on for Erin");
      assertEquals(List.of(), Axe.violations(erin), "axe-core violations with the stranger's drop shown");

      WebElement input = erin.driver.findElement(By.cssSelector("#chat-input"));
      input.sendKeys("Are you still there?");
      input.sendKeys(Keys.ENTER);
      erin.waitFor("the refusal is shown", d -> d.findElements(By.cssSelector("#chat-log .msg.system")).stream()
          .anyMatch(e -> e.getText().contains("reconnecting")) ? true : null, Duration.ofSeconds(5));
      assertEquals("Are you still there?", input.getDomProperty("value"), "the refused line stays in the box");

      proxy.setBackends(alive);
      frank.waitFor("Frank resumed", d -> {
        Map<String, Object> r = lastResume(frank);
        return r != null && "resumed".equals(r.get("outcome")) ? true : null;
      }, RESUME_BOUND);
      erin.waitFor("the notice is gone once Frank is back", d ->
          !d.findElement(By.cssSelector("#peer-away")).isDisplayed() ? true : null, Duration.ofSeconds(5));
      erin.waitFor("Erin is told Frank is back", d -> d.findElements(By.cssSelector("#chat-log .notice")).stream()
          .anyMatch(e -> e.getText().equals("Frank is back.")) ? true : null, Duration.ofSeconds(5));
      List<Sample> se = samples(erin);
      List<Sample> sf = samples(frank);
      System.out.printf("resume (the stranger's drop): Erin showed Frank's drop for ~%d ms; Frank was away %d ms"
              + " (reconnects %s); longest video stall: Erin %d ms, Frank %d ms%n",
          se.stream().filter(Sample::peerAway).count() * SAMPLE_MS,
          ((Number) lastResume(frank).get("resumedAt")).longValue() - ((Number) lastResume(frank).get("droppedAt")).longValue(),
          retries(lastResume(frank)), longestStall(se), longestStall(sf));
      assertTrue(se.stream().allMatch(x -> sid.equals(x.sessionId()) && "connected".equals(x.state())),
          "Erin stayed connected in the same call");
      assertTrue(longestStall(se) <= MAX_STALL_MS, "Erin's view of Frank kept playing: " + longestStall(se) + " ms");
      assertTrue(longestStall(sf) <= MAX_STALL_MS, "Frank's view of Erin kept playing: " + longestStall(sf) + " ms");
      erin.driver.findElement(By.cssSelector("#chat-input")).sendKeys(Keys.ENTER); // the kept line, sent again
      frank.waitFor("the kept line arrives", d -> d.findElements(By.cssSelector("#chat-log .msg.theirs .text")).stream()
          .anyMatch(e -> "Are you still there?".equals(e.getText())) ? true : null);
      chat(frank, erin, "Yes, back now");
    }
  }
}
