/**
 * The signaling protocol's wire format: client frames parsed and their fields validated
 * ({@code ClientFrame}, {@code Payloads}), server frames encoded ({@code ServerFrames},
 * {@code MatchedFrame} with its ICE servers and {@code TurnCredentials}), and the WebSocket close
 * codes ({@code CloseCodes}). Owns no state.
 */
package io.tandem.gateway.protocol;
