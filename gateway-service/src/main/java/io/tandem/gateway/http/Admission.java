package io.tandem.gateway.http;

import io.tandem.gateway.protocol.CloseCodes;
import io.tandem.gateway.token.Identity;
import io.tandem.gateway.token.TokenVerifier;

import io.tandem.common.Blocklist;
import io.tandem.common.ClientAddress;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.Hashing;
import io.tandem.common.RateLimiter;
import io.tandem.common.SafetyConfig;
import io.tandem.common.TandemException;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission of new sockets. Everything is checked before the upgrade: the path, the Origin
 * (cross-site WebSocket hijacking), the network's handshake rate, the token, and the device and
 * network block lists. An admitted handshake is remembered until its socket opens.
 */
public final class Admission {
  private static final Logger LOG = LoggerFactory.getLogger(Admission.class);
  /** Path of the signaling WebSocket. */
  public static final String SIGNALING_PATH = "/signaling";

  /** A socket that passed the handshake: who, and from which network (keyed hash). */
  public record Admitted(Identity identity, String ipHash, HandshakeGate.Permit permit) {}

  /** Opens an admitted socket. */
  public interface Opener {
    void open(ServerWebSocket ws, Admitted admitted);
  }

  private final SafetyConfig safety;
  private final List<String> allowedOrigins;
  private final Hashing hashing;
  private final RateLimiter handshakeLimiter;
  private final TokenVerifier verifier;
  private final Blocklist blocks;
  private final BooleanSupplier draining;
  private final Opener opener;
  private final Map<String, Admitted> handshakes = new ConcurrentHashMap<>();
  private final HandshakeGate gate;

  public Admission(SafetyConfig safety, List<String> allowedOrigins, Hashing hashing, RateLimiter handshakeLimiter,
            TokenVerifier verifier, Blocklist blocks, BooleanSupplier draining, Opener opener, HandshakeGate gate) {
    this.gate = gate;
    this.safety = safety;
    this.allowedOrigins = allowedOrigins;
    this.hashing = hashing;
    this.handshakeLimiter = handshakeLimiter;
    this.verifier = verifier;
    this.blocks = blocks;
    this.draining = draining;
    this.opener = opener;
  }

  /** Handshakes admitted whose socket has not opened yet (for the pending-handshakes gauge). */
  public Map<String, Admitted> pending() {
    return handshakes;
  }

  public void onHandshake(ServerWebSocketHandshake hs) {
    if (draining.getAsBoolean()) {
      hs.reject(ErrorCode.UNAVAILABLE.status);
      return;
    }
    if (!SIGNALING_PATH.equals(hs.path())) {
      hs.reject(404);
      return;
    }
    String key = hs.headers().get("Sec-WebSocket-Key");
    if (key == null) {
      hs.reject(400);
      return;
    }
    boolean proxied = safety.trustedProxyHops() > 0;
    String scheme = proxied && hs.headers().get("X-Forwarded-Proto") != null ? hs.headers().get("X-Forwarded-Proto") : hs.scheme();
    HostAndPort authority = proxied && hs.headers().get("X-Forwarded-Host") != null
        ? HostAndPort.parseAuthority(hs.headers().get("X-Forwarded-Host"), -1) : hs.authority();
    if (!Handshake.originAllowed(hs.headers().get("Origin"), authority, scheme, allowedOrigins)) {
      LOG.info("handshake refused: origin not allowed");
      hs.reject(ErrorCode.BAD_ORIGIN.status);
      return;
    }
    HandshakeGate.Permit permit = gate.tryEnter();
    if (permit == null) {
      // too many handshakes in flight: refuse before doing any work; the client retries
      hs.reject(ErrorCode.UNAVAILABLE.status);
      return;
    }
    String ipHash = hashing.hash(ClientAddress.of(hs.remoteAddress(), hs.headers(), safety.trustedProxyHops()));
    String token = Handshake.token(hs);
    // One round trip: the rate limit and both block keys are asked at once, the device key for the
    // device the token claims (read before its signature is checked). The checks still decide in
    // the old order (rate limit, then the token, then the blocks); the signature is only checked
    // when the rate limit allowed it, and a device that differs from the claimed one is asked again.
    String claimedDevice = TokenVerifier.claimedDevice(token);
    Future<Void> limit = handshakeLimiter.check(ipHash);
    Future<Void> blocked = blocks.check(claimedDevice, ipHash);
    Future.join(limit, blocked)
        .transform(x -> limit)
        .compose(v -> verifier.verify(token))
        .compose(id -> (id.deviceHash().equals(claimedDevice) ? blocked : blocks.check(id.deviceHash(), ipHash)).map(id))
        .onComplete(ar -> {
          if (ar.failed()) {
            permit.release();
            TandemException te = Failures.map(ar.cause());
            if (te.code() == ErrorCode.BLOCKED) LOG.info("handshake refused: blocked");
            hs.reject(te.code().status);
            return;
          }
          if (draining.getAsBoolean()) {
            permit.release();
            hs.reject(ErrorCode.UNAVAILABLE.status);
            return;
          }
          handshakes.put(key, new Admitted(ar.result(), ipHash, permit));
          try {
            hs.accept().onFailure(err -> {
              handshakes.remove(key);
              permit.release();
            });
          } catch (RuntimeException e) {
            // the client gave up while its handshake waited on the store: nothing to accept
            handshakes.remove(key);
            permit.release();
            LOG.debug("handshake abandoned by the client: {}", e.toString());
          }
        });
  }

  public void onSocket(ServerWebSocket ws) {
    Admitted a = handshakes.remove(String.valueOf(ws.headers().get("Sec-WebSocket-Key")));
    if (a == null) {
      ws.close(CloseCodes.HANDSHAKE_LOST, "handshake state lost");
      return;
    }
    opener.open(ws, a);
  }
}
