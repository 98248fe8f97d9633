/**
 * One event loop's sockets: the server on the shared port ({@code SocketServer}, {@code SocketVerticle}),
 * the loop itself ({@code SocketLoop}), a socket's lifecycle ({@code Connection}), reading
 * ({@code MessageAssembler}, {@code FrameIntake}, {@code FrameBudget}), close codes and the cleanup
 * after a close ({@code SocketCleanup}). Owns each socket's transport state (open/closed, its token's
 * expiry, its frame budget and ordered step queue), confined to the socket's loop.
 */
package io.tandem.gateway.socket;
