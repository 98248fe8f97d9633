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
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * TURN for real, as shipped: coturn runs from k8s/components/coturn (its turnserver.conf, written by its
 * coturn-init.sh, TLS on, cert-reload.sh beside it; see {@link ShippedCoturn}), the gateway issues
 * time-limited credentials from the same secret for a {@code turns:} URL only. Two headless Chromium
 * instances, each with the ICE servers of a real {@code matched} message and
 * {@code iceTransportPolicy: 'relay'} (only relayed candidates), exchange the fake camera's video over
 * TURN over TLS; the call is proven to go through the relay (selected pair: relay on both ends, coturn
 * logged the allocations). Chromium accepts the test certificates through
 * {@code --ignore-certificate-errors-spki-list} (exactly the test keys; a browser without it gets no
 * relay). A renewed certificate is served without a restart. An expired credential signed with the same
 * secret gets no relay candidate (401).
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TurnRelayIT {
  static final String SECRET = "turn-secret-" + UUID.randomUUID();
  /** Credential lifetime asked of the gateway (its minimum is 60 s). */
  static final int TTL_SECONDS = 600;
  /** How long ICE gathering may take in a page, ms. */
  static final int GATHER_MS = 15_000;
  /** Longest a renewed certificate may take to be served (the sidecar looks every second here). */
  static final Duration RELOAD_BOUND = Duration.ofSeconds(15);

  static ShippedCoturn turn;
  static String turnsUrl;
  static Launcher launcher;
  static int port;
  static Vertx client;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    ShippedCoturn.require();
    turn = new ShippedCoturn(SECRET);
    turnsUrl = "turns:127.0.0.1:" + turn.tlsPort + "?transport=tcp";
    port = LocalRedis.freePort();
    launcher = Launcher.start(Map.of("GATEWAY_PORT", Integer.toString(port), "TURN_SECRET", SECRET,
        "TURN_URLS", turnsUrl, "TURN_TTL_SECONDS", Integer.toString(TTL_SECONDS)));
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) client.close().await();
    if (launcher != null) launcher.close();
    if (turn != null) turn.close();
  }

  /** A browser that accepts the test certificates (and only them) for TURN over TLS. */
  static Browser browser(String label) throws Exception {
    return new Browser(label, true, "1280,800", List.of("--ignore-certificate-errors-spki-list=" + String.join(",", turn.certs.spkiHashes)));
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

  /** The page's own call-quality logic (js/quality.js) applied to the call's getStats(): as the indicator reads it. */
  static final String QUALITY = "const done = arguments[arguments.length - 1];"
      + "(async () => {"
      + "  const q = await import('/js/quality.js'); const f = q.sample(await window.pc.getStats(), null);"
      + "  done({relayed: f.relayed, level: q.classify(f).level, details: q.describe(f)});"
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
  @Order(1)
  void theShippedInitFoundTheAddressOverStun() {
    assertTrue(turn.initOutput.contains("public address 127.0.0.1 is the node's own"), "coturn-init.sh asked STUN: " + turn.initOutput);
  }

  @Test
  @Order(2)
  void twoBrowsersGetVideoThroughTheRelayOverTlsWithTheGatewaysCredentials() throws Exception {
    JsonArray[] ice = matchedIceServers();
    JsonObject turnA = ice[0].getJsonObject(ice[0].size() - 1);
    String username = turnA.getString("username");
    long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(expiry - now - TTL_SECONDS) < 30, "the credential lives TURN_TTL_SECONDS: " + username);
    assertEquals(turnA.getString("credential"), sign(username), "the credential is the REST signature of the shared secret");
    assertEquals(List.of(turnsUrl), ice[0].getJsonObject(ice[0].size() - 1).getJsonArray("urls").getList(), "the gateway hands out the turns: URL");
    try (Browser a = browser("turn-a"); Browser b = browser("turn-b")) {
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
      System.out.printf("TURN relay over TLS: video decoded %d ms after the offer started (%s)%n", ms, seen.encode());
      // the page's call-quality line (quality.js) reads this relayed call's getStats() as relayed
      JsonObject quality = run(b, QUALITY);
      assertEquals(Boolean.TRUE, quality.getBoolean("relayed"), "the quality line calls the path relayed: " + quality);
      assertTrue(quality.getString("details").endsWith("relayed (TURN)"), "the quality line's figures: " + quality);
      System.out.println("TURN relay over TLS: the quality line reads " + quality.encode());
    }
    String log = turn.log();
    String userA = username.substring(username.indexOf(':') + 1);
    assertTrue(log.contains(userA) && log.contains("ALLOCATE processed, success"), "coturn logged the caller's allocation");
    assertTrue(log.lines().anyMatch(l -> l.contains(userA) && l.contains(": new, realm") && l.contains("method=TLS")),
        "the caller's allocation came over TLS: " + log.lines().filter(l -> l.contains(userA) && l.contains(": new, realm")).toList());
  }

  /**
   * The web client with TURN configured: a waiting user gets the ICE servers (its TURN credentials included) in
   * {@code queued}, so the offer it makes while waiting gathers through the relay and is the one sent at the match.
   */
  @Test
  @Order(3)
  void theOfferMadeWhileWaitingUsesTheServersOfQueued() throws Exception {
    try (Browser a = browser("turn-app-a"); Browser b = browser("turn-app-b")) {
      a.open(port);
      b.open(port);
      JsonObject queued = queuedIceServers();
      assertTrue(queued.getJsonArray("iceServers").encode().contains(turnsUrl), "queued names the TURN server: " + queued);
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
      String log = turn.log();
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
  @Order(4)
  void anExpiredCredentialIsRefused() throws Exception {
    String user = (System.currentTimeMillis() / 1000 - 60) + ":u_expired";
    JsonArray expired = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add(turnsUrl))
        .put("username", user).put("credential", sign(user)));
    String fresh = (System.currentTimeMillis() / 1000 + 600) + ":u_fresh";
    JsonArray valid = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add(turnsUrl))
        .put("username", fresh).put("credential", sign(fresh)));
    try (Browser a = browser("turn-expired")) {
      a.open(port);
      JsonObject refused = run(a, OFFER, expired.encode());
      assertEquals(0, relayCandidates(refused.getString("sdp")), "no relay with an expired credential: " + refused);
      assertTrue(refused.getJsonArray("errors").encode().contains("401"), "the TURN server answered 401: " + refused);
      JsonObject accepted = run(a, OFFER, valid.encode());
      assertTrue(relayCandidates(accepted.getString("sdp")) > 0, "the same secret with a future expiry works: " + accepted);
    }
  }

  /** Without the test keys accepted, Chromium refuses coturn's certificate: TLS is really checked. */
  @Test
  @Order(5)
  void aBrowserThatDoesNotTrustTheCertificateGetsNoRelay() throws Exception {
    String user = (System.currentTimeMillis() / 1000 + 600) + ":u_untrusting";
    JsonArray ice = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add(turnsUrl))
        .put("username", user).put("credential", sign(user)));
    try (Browser a = new Browser("turn-untrusting", true)) {
      a.open(port);
      JsonObject refused = run(a, OFFER, ice.encode());
      assertEquals(0, relayCandidates(refused.getString("sdp")), "no relay through an untrusted certificate: " + refused);
    }
  }

  /**
   * cert-manager renews: the Secret's files are swapped (as kubelet does), the shipped cert-reload.sh signals
   * coturn (SIGUSR2), and coturn serves the new certificate, same process, no restart; a call still relays.
   */
  @Test
  @Order(6)
  void aRenewedCertificateIsServedWithoutARestart() throws Exception {
    String before = turn.certs.servedCommonName(turn.tlsPort);
    long pid = turn.pid();
    turn.certs.renew();
    String expected = "turn-" + turn.certs.spkiHashes.size();
    assertTrue(!expected.equals(before), "a new certificate was made");
    long t0 = System.nanoTime();
    long end = t0 + RELOAD_BOUND.toNanos();
    String served = before;
    while (System.nanoTime() < end && !expected.equals(served)) {
      Thread.sleep(200);
      served = turn.certs.servedCommonName(turn.tlsPort);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(expected, served, "coturn serves the renewed certificate; sidecar log: " + turn.reloadLog());
    assertTrue(turn.alive() && turn.pid() == pid, "the same coturn process, not a restart");
    assertTrue(turn.reloadLog().contains("reloads it"), "the sidecar signalled coturn: " + turn.reloadLog());
    System.out.printf("TURN certificate renewal: %s -> %s served %d ms after the files were swapped (sidecar checks every %d s)%n",
        before, served, ms, ShippedCoturn.RELOAD_INTERVAL_SECONDS);
    String user = (System.currentTimeMillis() / 1000 + 600) + ":u_renewed";
    JsonArray ice = new JsonArray().add(new JsonObject().put("urls", new JsonArray().add(turnsUrl))
        .put("username", user).put("credential", sign(user)));
    try (Browser a = browser("turn-renewed")) {
      a.open(port);
      JsonObject offer = run(a, OFFER, ice.encode());
      assertTrue(relayCandidates(offer.getString("sdp")) > 0, "a relay over TLS with the renewed certificate: " + offer);
    }
  }

  /** The shipped init script announces external-ip=PUBLIC/PRIVATE behind NAT and refuses to start without an answer. */
  @Test
  @Order(7)
  void theInitScriptAnnouncesThePublicAddressOrStops() throws Exception {
    Path secretFile = turn.dir.resolve("turn-secret");
    Path natted = turn.dir.resolve("natted.conf");
    ShippedFiles.Run behindNat = turn.init(Map.of("STUN_SERVERS", turn.stunServer, "HOST_IP", "10.1.2.3", "SECRET_FILE", secretFile.toString(), "OUT", natted.toString()));
    assertEquals(0, behindNat.exitCode(), behindNat.output());
    assertTrue(Files.readString(natted).contains("\nexternal-ip=127.0.0.1/10.1.2.3\n"), "the public address, mapped to the node's: " + Files.readString(natted).lines().filter(l -> l.startsWith("external")).toList());
    Path none = turn.dir.resolve("unanswered.conf");
    ShippedFiles.Run unanswered = turn.init(Map.of("STUN_SERVERS", "127.0.0.1:" + LocalRedis.freePort(), "STUN_TIMEOUT_SECONDS", "1",
        "HOST_IP", "10.1.2.3", "SECRET_FILE", secretFile.toString(), "OUT", none.toString()));
    assertTrue(unanswered.exitCode() != 0 && unanswered.output().contains("public address is unknown"), "no STUN answer, no start: " + unanswered);
    assertTrue(!Files.exists(none), "no configuration written");
    Files.writeString(secretFile.resolveSibling("empty-secret"), "");
    ShippedFiles.Run noSecret = turn.init(Map.of("STUN_SERVERS", "", "HOST_IP", "10.1.2.3", "SECRET_FILE", secretFile.resolveSibling("empty-secret").toString(), "OUT", none.toString()));
    assertTrue(noSecret.exitCode() != 0 && noSecret.output().contains("turn-secret"), "an empty secret is named: " + noSecret);
  }

  /** The TURN REST password for a username: base64(HMAC-SHA1(secret, username)), computed here independently. */
  static String sign(String username) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA1");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
    return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
  }
}
