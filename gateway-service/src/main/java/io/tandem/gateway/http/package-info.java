/**
 * The gateway's HTTP face: routes ({@code HttpRoutes}: health, the auth proxy, static files),
 * security headers ({@code SecurityHeaders}), and the WebSocket handshake: its parsing
 * ({@code Handshake}), the in-flight bound ({@code HandshakeGate}) and the admission checks
 * ({@code Admission}: origin, rate, token, blocks). Owns the handshakes in flight (per loop) and the gate's count.
 */
package io.tandem.gateway.http;
