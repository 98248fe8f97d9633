package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * What a person notices, in real Chromium against the one-command launcher: how fast the stranger's video
 * appears after Start, and whether the call screen fits a phone. One launcher for the class.
 */
class ClientExperienceIT {
  /** Unmeasured runs first (printed with numbers 0, -1, …). */
  static final int WARMUP_RUNS = 1;
  /** Pause between filling in both forms and pressing Start. */
  static final long SETTLE_MS = 200;
  /** Measured runs (after the warm-up runs); the README quotes the median. {@code -Dttv.runs=N} for more. */
  static final int RUNS = Integer.getInteger("ttv.runs", 5);
  /**
   * Runs with the landing's camera preview turned off first (Hide preview), so Start opens the camera: a first
   * visit's path without the person's own time at the prompt, and every Start after a Stop. Reported beside.
   */
  static final int NO_PREVIEW_RUNS = Integer.getInteger("ttv.noPreviewRuns", 5);
  /**
   * Runs without the preview whose browser asks for the camera at Start (permission back to "prompt"; the fake UI
   * answers at once): a first visit, where nobody is queued before the answer. Interleaved with the runs above, whose
   * browser allowed the camera before (so the page joins while it opens). {@code -Dttv.askedRuns=N}.
   */
  static final int ASKED_RUNS = Integer.getInteger("ttv.askedRuns", 5);
  /** Generous bound per run: the target is 0.5 s median, never above 1 s, on a quiet machine (reported, not asserted). */
  static final Duration RUN_BOUND = Duration.ofSeconds(5);

  /**
   * Synthetic calls (token, socket, join, match, offer, answer, candidates, end) run against the launcher before
   * the browsers' runs, so its code is compiled as on a server that has been up for a while; without them the
   * JVM's compiler threads and interpreted code take a fifth of the 2 cores during the measured runs.
   */
  static final int SERVER_WARMUP_CALLS = 200;

  static Launcher launcher;
  static int port;
  static Browser alice;
  static Browser bob;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    port = LocalRedis.freePort();
    // one trusted proxy hop: the warm-up's synthetic visits name their own networks (browserLikeSocket); the pages,
    // which send no X-Forwarded-For, are their socket's address as before
    launcher = Launcher.start(Map.of("GATEWAY_PORT", Integer.toString(port), "TRUSTED_PROXY_HOPS", "1"));
    alice = new Browser("ttv-alice", true);
    bob = new Browser("ttv-bob", true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (alice != null) alice.close();
    if (bob != null) bob.close();
    if (launcher != null) launcher.close();
  }

  /** What a browser loads with the page (the warm-up fetches them as a visitor would): every module in js/, the English catalog. */
  static final List<String> PAGE_FILES = pageFiles();

  static List<String> pageFiles() {
    List<String> files = new ArrayList<>(List.of("/", "/styles.css", "/favicon.svg", "/i18n/en.json"));
    try (Stream<Path> js = Files.list(StaticWebServer.WEBROOT.resolve("js"))) {
      js.map(f -> "/js/" + f.getFileName()).filter(f -> f.endsWith(".js")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException("the web client's modules in " + StaticWebServer.WEBROOT, e);
    }
    files.add("/stats");
    return List.copyOf(files);
  }

  /** A socket as the web client opens it: the token in the subprotocol list. */
  static WsClient browserLikeSocket(Vertx vertx, String name, int visit) throws Exception {
    // each synthetic visit's token comes from a network of its own (a documentation address, only a header, through
    // the one trusted proxy hop): 400 tokens from the browsers' own network would raise its proof-of-work level to
    // ~22 bits, and the measured pages would then solve seconds of work (the warm-up took 3 minutes that way)
    String network = "198.51." + (100 + visit / 250) + "." + (1 + visit % 250);
    Http.Answer a = Http.postToken(port, new JsonObject().put("deviceId", java.util.UUID.randomUUID().toString()).put("name", name).put("age", 30),
        "X-Forwarded-For", network);
    if (a.status() != 200) throw new AssertionError("token failed: " + a.status() + " " + a.body());
    String token = a.body().getString("accessToken");
    return WsClient.connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/signaling")
        .addSubProtocol("tandem.v1").addSubProtocol("bearer." + token));
  }

  /**
   * {@link #SERVER_WARMUP_CALLS} visits of two Java clients, one after another, shaped like the browsers' (page files,
   * token, subprotocol handshake, SDP-sized offer and answer, candidates, end of call); prints how long they took.
   */
  static void warmServer() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      long t0 = System.nanoTime();
      JsonObject sdp = new JsonObject().put("type", "offer").put("sdp", "v=0\r\n" + "a=warm-up line of an SDP\r\n".repeat(160));
      JsonObject candidate = new JsonObject().put("candidate", "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0")
          .put("sdpMid", "0").put("sdpMLineIndex", 0);
      for (int i = 0; i < SERVER_WARMUP_CALLS; i++) {
        for (String file : PAGE_FILES) {
          int status = Http.get(port, file).status();
          if (status != 200) throw new AssertionError("GET " + file + " answered " + status);
        }
        try (WsClient a = browserLikeSocket(vertx, "Warm A", 2 * i); WsClient b = browserLikeSocket(vertx, "Warm B", 2 * i + 1)) {
          a.send("join-queue", new JsonObject());
          a.await("queued");
          b.send("join-queue", new JsonObject());
          JsonObject matched = a.await("matched");
          b.await("matched");
          String sid = matched.getString("sessionId");
          WsClient caller = "caller".equals(matched.getString("role")) ? a : b;
          WsClient callee = caller == a ? b : a;
          caller.send("send-offer", new JsonObject().put("sessionId", sid).put("offer", sdp));
          for (int c = 0; c < 3; c++) caller.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate", candidate));
          callee.await("offer");
          callee.send("send-answer", new JsonObject().put("sessionId", sid).put("answer", sdp.copy().put("type", "answer")));
          for (int c = 0; c < 3; c++) callee.send("send-candidate", new JsonObject().put("sessionId", sid).put("candidate", candidate));
          caller.await("answer");
          for (int c = 0; c < 3; c++) {
            callee.await("candidate");
            caller.await("candidate");
          }
          a.send("end-call", new JsonObject().put("sessionId", sid));
          a.await("call-ended");
          b.await("peer-disconnected");
        }
      }
      System.out.printf("time-to-video: server warmed up with %d synthetic visits in %d ms%n", SERVER_WARMUP_CALLS,
          (System.nanoTime() - t0) / 1_000_000);
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Both press Start (a few ms apart) on fresh pages; → ms from the later press to the later first frame.
   * `preview`: a returning visitor's page, whose camera preview is on when Start is pressed; else it is hidden first.
   */
  static long oneRun(int run, boolean print, boolean preview) throws Exception {
    return oneRun(run, print, preview, false);
  }

  /** `asked`: without the preview, and the browser asks for the camera at Start (a first visit). */
  static long oneRun(int run, boolean print, boolean preview, boolean asked) throws Exception {
    visits += 1;
    for (Browser b : new Browser[] {alice, bob}) {
      if (OWN_NETWORKS) fromNetwork(b, "203.0.113." + (2 * (visits % 120) + (b == alice ? 1 : 2)));
      cameraPermission(b, "granted");
      b.open(port);
      b.waitForState("landing");
      b.waitFor("camera preview on", d -> "on".equals(previewState(b)) ? true : null);
      if (!preview) b.driver.findElement(By.cssSelector("#preview-toggle")).click();
      if (asked) {
        cameraPermission(b, "prompt");
        b.js("window.ttvPermission = null; navigator.permissions.query({name: 'camera'}).then((p) => { window.ttvPermission = p.state; })");
        b.awaitInPage("the camera permission is 'prompt'", "window.ttvPermission === 'prompt'", Duration.ofSeconds(5));
      }
      // a person on the landing page: the nudity shield's model loads while the page is idle (docs/safety.md),
      // so a call does not share the machine with it (both browsers run on these 2 cores)
      b.awaitInPage("shield model ready", "window.tandemShield.info !== null", Duration.ofSeconds(30));
      b.type("#name", b == alice ? "Alice" : "Bob");
      b.type("#age", "30");
    }
    Thread.sleep(SETTLE_MS); // the previous run's sockets are closed on the server too
    for (Browser b : new Browser[] {alice, bob}) b.js("document.getElementById('start').click()");
    Map<String, Map<String, Double>> abs = new LinkedHashMap<>();
    for (Browser b : new Browser[] {alice, bob}) {
      // waited for inside the page: WebDriver polling would compete for the 2 cores being measured
      b.awaitInPage("first remote frame (run " + run + ")", "window.tandem.timeline.marks.firstFrame !== undefined",
          RUN_BOUND.plusSeconds(5));
      abs.put(b.label, marks(b));
    }
    double lastStart = abs.values().stream().mapToDouble(m -> m.get("start")).max().orElseThrow();
    double lastFrame = abs.values().stream().mapToDouble(m -> m.get("firstFrame")).max().orElseThrow();
    long total = Math.round(lastFrame - lastStart);
    if (print) {
      double t0 = abs.values().stream().mapToDouble(m -> m.get("start")).min().orElseThrow();
      StringBuilder sb = new StringBuilder(String.format("time-to-video run %d: %d ms (later Start → later first frame);"
          + " ms since the earlier Start (epoch ms %d):%n", run, total, Math.round(t0)));
      for (var e : abs.entrySet()) {
        sb.append("  ").append(e.getKey()).append(':');
        for (String step : List.of("start", "token", "camera", "socketOpen", "joined", "offerMade", "matched", "offerSent",
            "offerReceived", "answerSent", "answerReceived", "iceConnected", "firstFrame")) {
          Double t = e.getValue().get(step);
          if (t != null) sb.append(' ').append(step).append('=').append(Math.round(t - t0));
        }
        sb.append(" (proof of work: ").append(powSolves(b(e.getKey()))).append(')');
        sb.append('\n');
      }
      System.out.print(sb);
    }
    return total;
  }

  /** Each run's pages come from networks of their own; {@code -Dttv.oneNetwork=true}: all from 127.0.0.1, as before. */
  static final boolean OWN_NETWORKS = !Boolean.getBoolean("ttv.oneNetwork");

  /** Runs so far (each one's two pages are first visits from networks of their own, see {@link #fromNetwork}). */
  static int visits;

  /**
   * The page's requests name this network (X-Forwarded-For, through the launcher's one trusted proxy hop): each run is
   * a first visit, whose token costs the base proof of work. Without it every run came from 127.0.0.1, whose
   * proof-of-work level rose with each token (PowSchedule: +1 bit per doubling past 4 recent tokens), so the later runs
   * (those without the preview come last) solved 18–19 bits, a few hundred ms, inside Start.
   */
  static void fromNetwork(Browser b, String address) {
    b.driver.executeCdpCommand("Network.enable", Map.of());
    b.driver.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("X-Forwarded-For", address)));
  }

  /** The page's camera and microphone permission ("granted", or "prompt": Start's getUserMedia asks; the fake UI says yes). */
  static void cameraPermission(Browser b, String setting) {
    for (String name : List.of("camera", "microphone")) {
      b.driver.executeCdpCommand("Browser.setPermission", Map.of("permission", Map.of("name", name), "setting", setting,
          "origin", "http://localhost:" + port));
    }
  }

  static Browser b(String label) { return alice.label.equals(label) ? alice : bob; }

  /** The page's proof-of-work solves (pow.js `tandem-pow` marks): "16 bits in 40 ms", joined by commas. */
  @SuppressWarnings("unchecked")
  static String powSolves(Browser b) {
    List<Map<String, Object>> solves = (List<Map<String, Object>>) b.js(
        "return performance.getEntriesByName('tandem-pow').map((e) => ({d: e.detail.difficulty, ms: Math.round(e.detail.ms)}))");
    List<String> out = new ArrayList<>();
    for (Map<String, Object> s : solves) out.add(s.get("d") + " bits in " + s.get("ms") + " ms");
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  static String summary(String label, List<Long> totals) {
    List<Long> sorted = new ArrayList<>(totals);
    Collections.sort(sorted);
    return String.format("%s: median %d ms over %d runs, max %d ms, all %s", label, sorted.get(sorted.size() / 2),
        sorted.size(), sorted.get(sorted.size() - 1), totals);
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
    warmServer();
    for (int i = 0; i < WARMUP_RUNS; i++) oneRun(-i, true, true); // the browsers' first media pipelines
    List<Long> totals = new ArrayList<>();
    for (int i = 1; i <= RUNS; i++) totals.add(oneRun(i, true, true));
    List<Long> plain = new ArrayList<>();
    List<Long> asked = new ArrayList<>();
    for (int i = 1; i <= Math.max(NO_PREVIEW_RUNS, ASKED_RUNS); i++) {
      if (i <= NO_PREVIEW_RUNS) plain.add(oneRun(100 + i, true, false));
      if (i <= ASKED_RUNS) asked.add(oneRun(200 + i, true, false, true));
    }
    System.out.println(summary("time-to-video", totals) + " (target: median <= 500 ms, never > 1000 ms)");
    if (!plain.isEmpty()) System.out.println(summary("time-to-video without the camera preview (camera opened at Start, allowed before)", plain));
    if (!asked.isEmpty()) System.out.println(summary("time-to-video on a first visit (camera opened at Start, the browser asks; answered at once)", asked));
    for (long t : totals) assertTrue(t < RUN_BOUND.toMillis(), "a run took " + t + " ms");
    for (long t : plain) assertTrue(t < RUN_BOUND.toMillis(), "a run without the preview took " + t + " ms");
    for (long t : asked) assertTrue(t < RUN_BOUND.toMillis(), "a first-visit run took " + t + " ms");
    for (Browser b : new Browser[] {alice, bob}) b.driver.get("about:blank");
  }

  /**
   * Problems with the call screen on this viewport: each listed element must lie inside the viewport, the
   * page must not need scrolling, the self-view must sit inside a corner of the stranger's video, and the
   * last chat line must be visible in the chat log. Returns a list of problems (empty when all is well).
   */
  static final String CALL_FITS_JS = """
      const vw = window.innerWidth, vh = window.innerHeight, out = [];
      const box = (sel) => { const e = document.querySelector(sel); return e ? e.getBoundingClientRect() : null; };
      const inside = (r, o, slack = 1) => r.left >= o.left - slack && r.top >= o.top - slack
          && r.right <= o.right + slack && r.bottom <= o.bottom + slack;
      const view = { left: 0, top: 0, right: vw, bottom: vh };
      for (const sel of arguments[0]) {
        const r = box(sel);
        if (!r) { out.push(sel + ' missing'); continue; }
        if (r.width < 1 || r.height < 1) out.push(sel + ' has no size');
        if (!inside(r, view)) out.push(sel + ' off screen: ' + JSON.stringify([r.left, r.top, r.right, r.bottom]) + ' in ' + vw + 'x' + vh);
      }
      const se = document.scrollingElement;
      if (se.scrollHeight > vh + 1) out.push('page scrolls: ' + se.scrollHeight + ' > ' + vh);
      if (se.scrollWidth > vw + 1) out.push('page scrolls sideways: ' + se.scrollWidth + ' > ' + vw);
      if (window.scrollY !== 0) out.push('not at the top: scrollY ' + window.scrollY);
      const remote = box('.remote-wrap'), self = box('#local-wrap');
      if (remote && self) {
        if (!inside(self, remote)) out.push('self-view is not over the remote video');
        if (self.width * self.height > remote.width * remote.height * 0.25) out.push('self-view covers too much');
        if (remote.right - self.right > 24 || remote.bottom - self.bottom > 24) out.push('self-view is not in the corner');
        if (remote.height < vh * 0.3) out.push('remote video too small: ' + Math.round(remote.height) + ' of ' + vh);
      }
      const msgs = document.querySelectorAll('#chat-log .msg');
      if (!msgs.length) out.push('no chat line');
      else if (!inside(msgs[msgs.length - 1].getBoundingClientRect(), box('#chat-log'), 2)) out.push('last chat line not visible in the log');
      return out;
      """;
  static final List<String> CALL_ELEMENTS = List.of("#status", ".remote-wrap", "#local-wrap", "#next", "#stop",
      "#chat-input", "#chat-send", "#chat-log .msg:last-child");

  static void assertCallFits(Browser b, String what) {
    @SuppressWarnings("unchecked")
    List<String> problems = (List<String>) b.js(CALL_FITS_JS, CALL_ELEMENTS);
    assertEquals(List.of(), problems, b.label + " " + what);
  }

  static void assertStartOnScreen(Browser b, String what) {
    Number bottom = (Number) b.js("return document.getElementById('start').getBoundingClientRect().bottom");
    Number vh = (Number) b.js("return window.innerHeight");
    assertTrue(bottom.doubleValue() <= vh.doubleValue(), b.label + " " + what + ": Start ends at " + bottom + " of " + vh);
  }

  static void assertStatusOnScreen(Browser b) {
    Number top = (Number) b.js("return document.getElementById('status').getBoundingClientRect().top");
    Number scrollY = (Number) b.js("return window.scrollY");
    assertTrue(top.doubleValue() >= 0 && scrollY.intValue() == 0 && b.driver.findElement(By.cssSelector("#status")).isDisplayed(),
        b.label + " in state " + b.state() + ": the status line is on screen (top " + top + ", scrollY " + scrollY + ")");
  }

  static void viewport(Browser b, int width, int height) {
    b.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
    b.waitFor("viewport " + width + "x" + height, d -> ((Number) b.js("return window.innerWidth")).intValue() == width ? true : null);
  }

  static void say(Browser from, Browser to, String text) {
    WebElement input = from.driver.findElement(By.cssSelector("#chat-input"));
    input.sendKeys(text);
    input.sendKeys(Keys.ENTER);
    to.waitFor("chat line arrives", d -> d.findElements(By.cssSelector("#chat-log .msg.theirs")).stream()
        .anyMatch(m -> m.getText().contains(text)) ? true : null);
  }

  @Test
  void phoneCallScreenFitsWithoutScrolling() throws Exception {
    try (Browser small = new Browser("phone-360", true, "phone:360,740");
         Browser tall = new Browser("phone-390", true, "phone:390,844")) {
      for (Browser p : new Browser[] {small, tall}) {
        p.open(port);
        p.waitForState("landing");
        assertStartOnScreen(p, "portrait landing");
      }
      // the case: scrolled down on the landing, then Start: the new state's status line is on screen
      small.type("#name", "Sam");
      small.type("#age", "27");
      small.js("window.scrollTo(0, document.scrollingElement.scrollHeight)");
      small.js("document.getElementById('start').click()");
      small.waitForState("searching");
      assertStatusOnScreen(small);
      tall.start("Tia", 29, null);
      for (Browser p : new Browser[] {small, tall}) {
        p.waitForState("connected");
        p.waitForRemoteVideoPlaying();
        assertStatusOnScreen(p);
      }
      say(tall, small, "Hi! Where are you calling from?");
      say(small, tall, "From a small phone screen");
      say(tall, small, "Nice, everything fits");
      for (Browser p : new Browser[] {small, tall}) assertCallFits(p, "portrait call");
      Path shot = small.screenshot(Path.of("target", "e2e", "phone-call.png"));
      System.out.println("phone: screenshot of a call at 360x740: " + shot.toAbsolutePath());

      viewport(small, 740, 360);
      viewport(tall, 844, 390);
      for (Browser p : new Browser[] {small, tall}) assertCallFits(p, "landscape call");
      small.screenshot(Path.of("target", "e2e", "phone-call-landscape.png"));

      tall.driver.findElement(By.cssSelector("#stop")).click();
      tall.waitForState("landing");
      assertStartOnScreen(tall, "landscape landing");
      small.waitForState("peer-left");
      assertStatusOnScreen(small);
      small.driver.findElement(By.cssSelector("#stop")).click();
      small.waitForState("landing");
      assertStartOnScreen(small, "landscape landing");
    }
  }

  static String text(Browser b, String css) {
    return b.driver.findElement(By.cssSelector(css)).getText();
  }

  static void pressEscape(Browser b) {
    new org.openqa.selenium.interactions.Actions(b.driver).sendKeys(Keys.ESCAPE).perform();
  }

  static void colorScheme(Browser b, String scheme) {
    b.driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }

  static double backgroundLuminance(Browser b) {
    return ((Number) b.js("const m = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);"
        + "return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;")).doubleValue();
  }

  /** What people expect of a random video chat, each checked once (one pair of browsers, one text-only one). */
  @Test
  void whatPeopleExpect() throws Exception {
    // Text only, chosen on the landing page: no camera prompt at all (this browser denies every prompt).
    try (Browser reader = new Browser("text-only", false).open(port)) {
      reader.waitFor("online count on the landing", d -> text(reader, "#landing-stats").matches("\\d+ online now") ? true : null);
      assertEquals(List.of(), Axe.violations(reader), "axe-core violations on the landing page");
      reader.type("#name", "Rae");
      reader.type("#age", "33");
      reader.driver.findElement(By.cssSelector("#text-only-start")).click();
      reader.driver.findElement(By.cssSelector("#start")).click();
      reader.waitForState("searching");
      assertTrue(reader.driver.findElement(By.cssSelector("#media-error")).getDomProperty("hidden").equals("true"), "no camera error");
      assertTrue((Boolean) reader.js("return document.getElementById('local-wrap').classList.contains('no-camera')"), "self-view says text only");
      reader.driver.findElement(By.cssSelector("#stop")).click();
      reader.waitForState("landing");
      assertEquals(List.of(), reader.consoleErrors(), "no console errors for a text-only visitor");
    }

    try (Browser ann = new Browser("Ann", true).open(port); Browser ben = new Browser("Ben", true).open(port)) {
      ann.start("Ann", 26, "chess, music");
      ann.waitForState("searching");
      ben.start("Ben", 28, "films, Chess");
      for (Browser b : new Browser[] {ann, ben}) {
        b.waitForState("connected");
        b.waitFor("shared interest shown", d -> text(b, "#status-hint").contains("You both like chess.") ? true : null);
      }

      // axe-core's WCAG 2.1 A/AA rules, in a call: no violation
      assertEquals(List.of(), Axe.violations(ann), "axe-core violations in a call");

      // "<name> turned the camera off", told over the call's own data channel; and on again
      ann.driver.findElement(By.cssSelector("#mute-cam")).click();
      ben.waitFor("camera-off label", d -> text(ben, "#remote-placeholder").equals("Ann turned the camera off.") ? true : null);
      ann.driver.findElement(By.cssSelector("#mute-cam")).click();
      ben.waitFor("camera-off label gone", d -> text(ben, "#remote-placeholder").isEmpty() ? true : null);

      // a line refused by moderation stays in the box, with the reason
      WebElement input = ann.driver.findElement(By.cssSelector("#chat-input"));
      input.sendKeys("pls send nudes");
      input.sendKeys(Keys.ENTER);
      ann.waitFor("moderation reason shown", d -> d.findElements(By.cssSelector("#chat-log .msg.system")).stream()
          .anyMatch(m -> m.getText().contains("chat rules")) ? true : null);
      assertEquals("pls send nudes", input.getDomProperty("value"), "the refused line is still in the box");
      say(ann, ben, "hello after all");
      assertEquals("", input.getDomProperty("value"), "a delivered line leaves the box");

      // light theme follows the system setting
      colorScheme(ann, "dark");
      double dark = backgroundLuminance(ann);
      colorScheme(ann, "light");
      double light = backgroundLuminance(ann);
      assertTrue(dark < 0.2 && light > 0.8, "dark " + dark + " then light " + light);

      // Esc once: a hint, nothing else; it expires after 2 s
      ann.driver.findElement(By.cssSelector("#remote-video")).click();
      pressEscape(ann);
      ann.waitFor("Esc hint", d -> d.findElement(By.cssSelector("#esc-hint")).isDisplayed() ? true : null);
      assertEquals("Press Esc again for Next", text(ann, "#esc-hint"));
      assertEquals("connected", ann.state());
      ann.waitFor("Esc hint expires", d -> d.findElement(By.cssSelector("#esc-hint")).isDisplayed() ? null : true, Duration.ofSeconds(4));
      assertEquals("connected", ann.state());
      // Esc twice: Next
      pressEscape(ann);
      pressEscape(ann);
      ann.waitForState("searching");
      ben.waitFor("Ben is told", d -> List.of("peer-left", "searching").contains(ben.state()) ? true : null);
      assertEquals(List.of(), ann.consoleErrors(), "no console errors");
      assertEquals(List.of(), ben.consoleErrors(), "no console errors");
      for (Browser b : new Browser[] {ann, ben}) b.driver.findElement(By.cssSelector("#stop")).click();
    }
  }

  static String previewState(Browser b) {
    return (String) b.js("return document.getElementById('preview').dataset.state");
  }

  static boolean previewTracksEnded(Browser b) {
    return (Boolean) b.js("return window.__pv.getTracks().every((t) => t.readyState === 'ended')");
  }

  /** Keeps the preview's current stream in window.__pv (to see its tracks stopped later); → its id. */
  static String holdPreviewStream(Browser b) {
    return (String) b.js("window.__pv = document.getElementById('preview-video').srcObject; return window.__pv.id");
  }

  static void setVisibility(Browser b, String state) {
    b.js("Object.defineProperty(document, 'visibilityState', { value: arguments[0], configurable: true });"
        + "document.dispatchEvent(new Event('visibilitychange'))", state);
  }

  @Test
  void cameraPreviewOnTheLandingPage() throws Exception {
    // A first visit (this browser answers every prompt with no): nothing is opened by itself; the button asks.
    try (Browser first = new Browser("first-visit", false).open(port)) {
      first.waitForState("landing");
      Thread.sleep(500);
      assertEquals("off", previewState(first), "no camera before the person asks");
      assertEquals("Camera preview", text(first, "#preview-toggle"));
      first.driver.findElement(By.cssSelector("#preview-toggle")).click();
      first.waitFor("refusal explained", d -> text(first, "#landing-error").contains("blocked") ? true : null);
      assertEquals("off", previewState(first));
      assertEquals(List.of(), first.consoleErrors(), "no console errors");
    }

    // A returning visitor (camera and microphone allowed before): the preview is on when the page opens.
    try (Browser back = new Browser("returning", true).open(port)) {
      back.waitFor("preview on", d -> "on".equals(previewState(back)) ? true : null);
      back.waitFor("preview frames", d -> ((Number) back.js("return document.getElementById('preview-video').videoWidth")).intValue() > 0 ? true : null);
      assertEquals(List.of(), Axe.violations(back), "axe-core violations on the landing page with the preview");

      // Hide: the camera is closed (tracks stopped) and stays off; Preview turns it on again.
      holdPreviewStream(back);
      back.driver.findElement(By.cssSelector("#preview-toggle")).click();
      assertEquals("off", previewState(back));
      assertTrue(previewTracksEnded(back), "Hide stops the camera");
      assertEquals("Camera preview", text(back, "#preview-toggle"));
      back.driver.findElement(By.cssSelector("#preview-toggle")).click();
      back.waitFor("preview on again", d -> "on".equals(previewState(back)) ? true : null);

      // Text only: no preview (camera closed); unticked: back on.
      holdPreviewStream(back);
      back.driver.findElement(By.cssSelector("#text-only-start")).click();
      assertTrue(previewTracksEnded(back), "text only closes the camera");
      assertEquals("true", back.driver.findElement(By.cssSelector("#preview")).getDomProperty("hidden"));
      back.driver.findElement(By.cssSelector("#text-only-start")).click();
      back.waitFor("preview on after text only is unticked", d -> "on".equals(previewState(back)) ? true : null);

      // The page hidden (another tab, a locked phone): closed; visible again: reopened.
      holdPreviewStream(back);
      setVisibility(back, "hidden");
      back.waitFor("preview off while hidden", d -> "off".equals(previewState(back)) ? true : null);
      assertTrue(previewTracksEnded(back), "a hidden page does not keep the camera");
      setVisibility(back, "visible");
      back.waitFor("preview on when visible", d -> "on".equals(previewState(back)) ? true : null);

      // Start uses the camera the preview opened (no second prompt or device start); Stop closes it.
      String previewed = holdPreviewStream(back);
      back.start("Pia", 31, null);
      back.waitForState("searching");
      assertEquals(previewed, back.js("return document.getElementById('local-video').srcObject.id"), "the previewed stream is the call's");
      back.driver.findElement(By.cssSelector("#stop")).click();
      back.waitForState("landing");
      assertTrue(previewTracksEnded(back), "Stop closes the camera");
      Thread.sleep(300);
      assertEquals("off", previewState(back), "after Stop the camera stays off until asked");
      assertEquals(List.of(), back.consoleErrors(), "no console errors");
    }
  }
}
