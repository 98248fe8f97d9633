package io.tandem.gateway;

import io.tandem.gateway.http.HandshakeGate;
import io.tandem.gateway.node.Presence;
import io.tandem.gateway.node.Registry;
import io.tandem.gateway.socket.Connection;
import io.tandem.gateway.steps.FrameDispatcher;
import io.tandem.gateway.token.TokenVerifier;

import io.tandem.common.Blocklist;
import io.tandem.common.Hashing;
import io.tandem.common.RateLimiter;
import io.tandem.common.SafetyConfig;
import io.vertx.redis.client.Redis;

/**
 * What a gateway process has once and its socket servers share (docs/gateway.md, "Per node"):
 * each part is thread-safe or stateless. The registry is one concurrent map; the handshake gate
 * counts atomically; presence guards its count cache; the token verifier keeps its keys in
 * concurrent maps; the frame handlers hold no state (a socket's state is in its {@link Connection}).
 *
 * @param dispatcher the frame handlers, shared by every socket (stateless)
 * @param randomPortId for {@code GATEWAY_PORT=0}: the negative port Vert.x shares among the instances
 */
public record GatewayNode(GatewayConfig config, SafetyConfig safety, Redis redis, Hashing hashing, Registry registry, Presence presence,
                   TokenVerifier verifier, Blocklist blocks, RateLimiter handshakeLimiter, HandshakeGate gate,
                   FrameDispatcher dispatcher, int randomPortId) {
  /** The port the socket servers listen on: the configured one, or one random port shared by all of them. */
  public int listenPort() {
    return config.port() != 0 ? config.port() : randomPortId;
  }
}
