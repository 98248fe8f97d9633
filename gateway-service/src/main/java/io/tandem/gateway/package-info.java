/**
 * The gateway node: {@link io.tandem.gateway.GatewayModule} wires it from configuration (with its
 * {@code CallStore}, as the matchmaker's module does) and {@link io.tandem.gateway.GatewayVerticle}
 * builds the node's shared parts once and hands each event loop's socket server the ones it uses.
 * Owns: the configuration ({@link io.tandem.gateway.GatewayConfig}) and the metrics gauges
 * ({@link io.tandem.gateway.GatewayMetrics}); {@link io.tandem.gateway.OnCaller} is a helper for futures
 * shared across loops. The state lives in the packages below (docs/gateway.md, "Layout").
 */
package io.tandem.gateway;
