/**
 * What each client frame does. {@code FrameDispatcher} hands a frame that changes the call to the
 * socket's {@code CallState}, and the one {@code ActionInterpreter} carries out the actions it returns
 * (matchmaker and store requests, writes, the server's one join retry); relays and chat
 * ({@code RelayFrames}), reports and token refreshes ({@code CallControlFrames}) have their handlers.
 * {@code ClientLink} is what they see of a socket. Owns no state: it is in the socket's {@code CallState}.
 */
package io.tandem.gateway.steps;
