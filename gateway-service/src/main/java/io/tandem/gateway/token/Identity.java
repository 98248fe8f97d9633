package io.tandem.gateway.token;

/**
 * Who is on a socket, from the verified access token only.
 *
 * @param userId token {@code sub}: the opaque user id, also the peer id others see
 * @param name display name from the token
 * @param deviceHash keyed hash of the device id ({@code dev} claim)
 * @param expiresAt token expiry, epoch seconds
 */
public record Identity(String userId, String name, String deviceHash, long expiresAt) {}
