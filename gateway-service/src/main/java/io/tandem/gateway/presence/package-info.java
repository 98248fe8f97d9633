/**
 * This node's side of the call store: {@code Presence} runs the node's steps in the {@code CallStore}
 * (connect, suspend, resume, end-call, abandon, heartbeat) and tells peers what follows from them.
 * Owns the presence counts cache (one store read per {@code Presence.STATS_MAX_AGE_MS} for every loop);
 * the call state itself is the store's.
 */
package io.tandem.gateway.presence;
