package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TURN for real: Debian's coturn {@code turnserver} on loopback with {@code use-auth-secret}, the
 * gateway issuing time-limited credentials from the same secret. Two headless Chromium instances,
 * each with the ICE servers of a real {@code matched} message and {@code iceTransportPolicy: 'relay'}
 * (only relayed candidates), exchange the fake camera's video; the call is proven to go through the
 * relay (selected pair: relay on both ends, coturn logged the allocations). An expired credential
 * signed with the same secret gets no relay candidate (401).
 */
@Timeout(120)
class TurnRelayIT {
  static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
  static final String SECRET = "turn-secret-" + UUID.randomUUID();
  /** Credential lifetime asked of the gateway (its minimum is 60 s). */
  static final int TTL_SECONDS = 600;
  /** How long ICE gathering may take in a page, ms. */
  static final int GATHER_MS = 15_000;

  static Path dir;
  static Process turn;
  static int turnPort;
  static Launcher launcher;
  static int port;
  static Vertx client;

  static Path turnBinary() {
    for (Path p : List.of(TURNSERVER, Path.of("/usr/sbin/turnserver"))) if (Files.isExecutable(p)) return p;
    return null;
  }

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    Path bin = turnBinary();
    if (bin == null && "true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail("CI=true but turnserver is missing: apt-get install coturn");
    Assumptions.assumeTrue(bin != null, "TURN test skipped: install Debian's coturn to run it");
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "coturn-");
    turnPort = LocalRedis.freePort();
    int relayLow = 40_000 + (int) (Math.random() * 20_000);
    turn = new ProcessBuilder(bin.toString(), "-n", "-v", "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1",
        "--listening-port", Integer.toString(turnPort), "--min-port", Integer.toString(relayLow),
        "--max-port", Integer.toString(relayLow + 200), "--allow-loopback-peers", "--no-cli", "--no-tls", "--no-dtls",
        "--use-auth-secret", "--static-auth-secret", SECRET, "--realm", "tandem.test", "--fingerprint",
        "--pidfile", dir.resolve("turnserver.pid").toString(), "--log-file", "stdout", "--simple-log")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.log").toFile()).start();
    long end = System.currentTimeMillis() + 10_000;
    while (true) {
      assertTrue(turn.isAlive(), "turnserver runs: " + Files.readString(dir.resolve("turnserver.log")));
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", turnPort)) {
        break;
      } catch (java.io.IOException notYet) {
        assertTrue(System.currentTimeMillis() < end, "turnserver listens on " + turnPort);
        Thread.sleep(100);
      }
    }
    port = LocalRedis.freePort();
    launcher = Launcher.start(Map.of("GATEWAY_PORT", Integer.toString(port), "TURN_SECRET", SECRET,
        "TURN_URLS", "turn:127.0.0.1:" + turnPort + "?transport=udp", "TURN_TTL_SECONDS", Integer.toString(TTL_SECONDS)));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await();
    if (launcher != null) launcher.close();
    if (turn != null) {
      turn.destroy();
      if (!turn.waitFor(5, TimeUnit.SECONDS)) turn.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** The ICE servers two matched users get from the gateway. */
  static JsonArray[] matchedIceServers() throws Exception {
    try (WsClient a = WsClient.connect(client, port, Http.token(port, "Ann").getString("accessToken"));
         WsClient b = WsClient.connect(client, port, Http.token(port, "Ben").getString("accessToken"))) {
      a.send("join-queue", new JsonObject());
      a.await("queued");
      b.send("join-queue", new JsonObject());
      return new JsonArray[] {a.await("matched").getJsonArray("iceServers"), b.await("matched").getJsonArray("iceServers")};
    }
  }

  /** Waits for ICE gathering to complete; returns the local SDP and any candidate errors. */
  static final String GATHER = "const waitGathering = (pc) => new Promise(res => {"
      + "  if (pc.iceGatheringState === 'complete') return res();"
      + "  const t = setTimeout(res, " + GATHER_MS + ");"
      + "  pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') { clearTimeout(t); res(); } });"
      + "});";

  static final String OFFER = GATHER
      + "const [ice, done] = [JSON.parse(arguments[0]), arguments[arguments.length - 1]];"
      + "(async () => {"
      + "  const pc = new RTCPeerConnection({iceServers: ice, iceTransportPolicy: 'relay'}); window.pc = pc; window.errs = [];"
      + "  pc.onicecandidateerror = e => window.errs.push(e.errorCode + ' ' + e.errorText);"
      + "  const s = await navigator.mediaDevices.getUserMedia({video: true, audio: false});"
      + "  s.getTracks().forEach(t => pc.addTrack(t, s));"
      + "  await pc.setLocalDescription(await pc.createOffer()); await waitGathering(pc);"
      + "  done({sdp: pc.localDescription.sdp, errors: window.errs});"
      + "})().catch(e => done({error: String(e)}));";

  static final String ANSWER = GATHER
      + "const [ice, offer, done] = [JSON.parse(arguments[0]), arguments[1], arguments[arguments.length - 1]];"
      + "(async () => {"
      + "  const pc = new RTCPeerConnection({iceServers: ice, iceTransportPolicy: 'relay'}); window.pc = pc; window.errs = [];"
      + "  pc.onicecandidateerror = e => window.errs.push(e.errorCode + ' ' + e.errorText);"
      + "  pc.ontrack = e => { const v = document.createElement('video'); v.muted = true; v.autoplay = true; v.playsInline = true;"
      + "    v.srcObject = e.streams[0] || new MediaStream([e.track]); document.body.appendChild(v); window.rv = v; v.play().catch(() => {}); };"
      + "  await pc.setRemoteDescription({type: 'offer', sdp: offer});"
      + "  await pc.setLocalDescription(await pc.createAnswer()); await waitGathering(pc);"
      + "  done({sdp: pc.localDescription.sdp, errors: window.errs});"
      + "})().catch(e => done({error: String(e)}));";

  /** Video received and decoded, and the candidate types of the selected pair. */
  static final String RECEIVED = "const done = arguments[arguments.length - 1];"
      + "(async () => {"
      + "  const stats = await window.pc.getStats(); let frames = 0, pair = null; const byId = {};"
      + "  stats.forEach(r => { byId[r.id] = r; if (r.type === 'inbound-rtp' && r.kind === 'video') frames = r.framesDecoded || 0; });"
      + "  stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = byId[r.selectedCandidatePairId]; });"
      + "  const local = pair && byId[pair.localCandidateId], remote = pair && byId[pair.remoteCandidateId];"
      + "  done({frames: frames, width: window.rv ? window.rv.videoWidth : 0, ice: window.pc.iceConnectionState,"
      + "    local: local ? local.candidateType : null, remote: remote ? remote.candidateType : null});"
      + "})().catch(e => done({error: String(e)}));";

  static JsonObject run(Browser b, String script, Object... args) {
    b.driver.manage().timeouts().scriptTimeout(Duration.ofMillis(GATHER_MS + 10_000));
    Object r = b.driver.executeAsyncScript(script, args);
    @SuppressWarnings("unchecked")
    JsonObject o = new JsonObject((Map<String, Object>) r);
    assertTrue(o.getString("error") == null, "the page failed: " + o.getString("error"));
    return o;
  }

  static long relayCandidates(String sdp) {
    return sdp.lines().filter(l -> l.startsWith("a=candidate") && l.contains(" typ relay")).count();
  }

  static long hostOrReflexiveCandidates(String sdp) {
    return sdp.lines().filter(l -> l.startsWith("a=candidate") && (l.contains(" typ host") || l.contains(" typ srflx"))).count();
  }

  @Test
  void twoBrowsersGetVideoThroughTheRelayWithTheGatewaysCredentials() throws Exception {
    JsonArray[] ice = matchedIceServers();
    JsonObject turnA = ice[0].getJsonObject(ice[0].size() - 1);
    String username = turnA.getString("username");
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(expiry - now - TTL_SECONDS) < 30, "the credential lives TURN_TTL_SECONDS: " + username);
    assertEquals(turnA.getString("credential"), sign(username), "the credential is the REST signature of the shared secret");
    try (Browser a = new Browser("turn-a", true); Browser b = new Browser("turn-b", true)) {
      a.open(port);
      b.open(port);
      long t0 = System.nanoTime();
      JsonObject offer = run(a, OFFER, ice[0].encode());
      assertTrue(relayCandidates(offer.getString("sdp")) > 0, "the caller got a relay candidate: " + offer);
      assertEquals(0, hostOrReflexiveCandidates(offer.getString("sdp")), "relay only: no host or reflexive candidates");
      JsonObject answer = run(b, ANSWER, ice[1].encode(), offer.getString("sdp"));
      assertTrue(relayCandidates(answer.getString("sdp")) > 0, "the callee got a relay candidate: " + answer);
      run(a, "const [sdp, done] = [arguments[0], arguments[arguments.length - 1]];"
          + "window.pc.setRemoteDescription({type: 'answer', sdp: sdp}).then(() => done({}), e => done({error: String(e)}));",
          answer.getString("sdp"));
      JsonObject seen = null;
      long end = System.currentTimeMillis() + 30_000;
      while (System.currentTimeMillis() < end) {
        seen = run(b, RECEIVED);
        if (seen.getInteger("frames") > 5 && seen.getInteger("width") > 0) break;
        Thread.sleep(250);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(seen.getInteger("frames") > 5 && seen.getInteger("width") > 0, "video frames decoded through TURN: " + seen);
      assertEquals("relay", seen.getString("local"), "the callee's selected candidate is relayed: " + seen);
      assertEquals("relay", seen.getString("remote"), "the caller's selected candidate is relayed: " + seen);
      System.out.printf("TURN relay: video decoded %d ms after the offer started (%s)%n", ms, seen.encode());
    }
    String log = Files.readString(dir.resolve("turnserver.log"));
    String userA = username.substring(username.indexOf(':') + 1);
    assertTrue(log.contains(userA) && log.contains("ALLOCATE processed, success"), "coturn logged the caller's allocation");
  }

  /**
   * The web client with TURN configured: a waiting user gets the ICE servers (its TURN credentials included) in
   * {@code queued}, so the offer it makes while waiting gathers through the relay and is the one sent at the match.
   */
  @Test
  void theOfferMadeWhileWaitingUsesTheServersOfQueued() throws Exception {
    try (Browser a = new Browser("turn-app-a", true); Browser b = new Browser("turn-app-b", true)) {
      a.open(port);
      b.open(port);
      JsonObject queued = queuedIceServers();
      assertTrue(queued.getJsonArray("iceServers").encode().contains("turn:127.0.0.1:" + turnPort), "queued names the TURN server: " + queued);
      a.start("Ann", 30, null);
      a.waitForState("searching");
      a.waitFor("queued answered", d -> a.driver.findElement(org.openqa.selenium.By.cssSelector("#stats")).getText().isEmpty() ? null : true);
      b.start("Ben", 31, null);
      for (Browser x : new Browser[] {a, b}) {
        x.waitForState("connected");
        x.waitForRemoteVideoPlaying();
      }
      assertEquals("caller", a.js("return window.tandem.role"));
      List<String> lines = a.consoleLines();
      assertTrue(lines.stream().anyMatch(l -> l.contains("sending the offer made while waiting")), "the prepared offer was sent: " + lines);
      String annId = (String) b.js("return window.tandem.peerId");
      String log = Files.readString(dir.resolve("turnserver.log"));
      assertTrue(annId != null && log.contains(annId) && log.contains("ALLOCATE processed, success"),
          "the waiting user's connection allocated a relay with the credentials of queued");
    }
  }

  /** The {@code queued} frame a waiting Java client gets. */
  static JsonObject queuedIceServers() throws Exception {
    try (WsClient a = WsClient.connect(client, port, Http.token(port, "Quinn").getString("accessToken"))) {
      a.send("join-queue", new JsonObject());
      JsonObject queued = a.await("queued");
      a.send("leave-queue", new JsonObject());
      return queued;
    }
  }

  @Test
  void anExpiredCredentialIsRefused() throws Exception {
    String user = (System.currentTimeMillis() / 1000 - 60) + ":u_expired";
    JsonArray expired = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add("turn:127.0.0.1:" + turnPort + "?transport=udp"))
        .put("username", user).put("credential", sign(user)));
    String fresh = (System.currentTimeMillis() / 1000 + 600) + ":u_fresh";
    JsonArray valid = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add("turn:127.0.0.1:" + turnPort + "?transport=udp"))
        .put("username", fresh).put("credential", sign(fresh)));
    try (Browser a = new Browser("turn-expired", true)) {
      a.open(port);
      JsonObject refused = run(a, OFFER, expired.encode());
      assertEquals(0, relayCandidates(refused.getString("sdp")), "no relay with an expired credential: " + refused);
      assertTrue(refused.getJsonArray("errors").encode().contains("401"), "the TURN server answered 401: " + refused);
      JsonObject accepted = run(a, OFFER, valid.encode());
      assertTrue(relayCandidates(accepted.getString("sdp")) > 0, "the same secret with a future expiry works: " + accepted);
    }
  }

  /** The TURN REST password for a username: base64(HMAC-SHA1(secret, username)), computed here independently. */
  static String sign(String username) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
  }
}
