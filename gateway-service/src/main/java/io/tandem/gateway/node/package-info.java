/**
 * What a gateway process has once, shared by its loops: the registry of open sockets
 * ({@code Registry}, one concurrent map), the node's steps in the call store and its peer notices
 * ({@code Presence}, with the cached presence counts), deliveries from other nodes and services
 * ({@code DeliveryRouter}), the node's timers ({@code NodeTimers}, {@code SocketSweep}) and the drain
 * on stop ({@code Drain}). Owns the registry, the counts cache and the node's heartbeat.
 */
package io.tandem.gateway.node;
