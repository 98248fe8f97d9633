/**
 * What a gateway process does once for all its loops' sockets: deliveries from other nodes and services
 * ({@code DeliveryRouter}: matches, relays, peer notices, kicks, blocks, each handed to the socket's
 * loop), and the node's timers ({@code NodeTimers}: heartbeat, stats pushes, pings, spread over time by
 * {@code SocketSweep}). Owns the node's event-bus consumers and timers; no socket state.
 */
package io.tandem.gateway.node;
