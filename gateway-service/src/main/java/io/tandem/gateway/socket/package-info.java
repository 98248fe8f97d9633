/**
 * One event loop's sockets: the server on the shared port ({@code SocketServer}, {@code SocketVerticle}),
 * the loop itself ({@code SocketLoop}), a socket's lifecycle ({@code Connection}), reading
 * ({@code MessageAssembler}, {@code FrameIntake}, {@code FrameBudget}), the cleanup after a close
 * ({@code SocketCleanup}), the node's registry of open sockets ({@code Registry}) and the drain on
 * stop ({@code Drain}). Owns each socket's transport state (open/closed, its token's expiry, its frame
 * budget and ordered step queue, confined to the socket's loop) and the registry (one concurrent map
 * for every loop, with the draining flag).
 */
package io.tandem.gateway.socket;
