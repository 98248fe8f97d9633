/**
 * The signaling protocol's wire format: client frames parsed and their fields validated
 * ({@code ClientFrame}, {@code Payloads}), server frames encoded ({@code ServerFrames},
 * {@code MatchedFrame} with its ICE servers and {@code TurnCredentials}). Owns no state.
 */
package io.tandem.gateway.protocol;
