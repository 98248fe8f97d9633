package io.tandem.gateway.token;

import java.util.List;

/**
 * Who is on a socket, from the verified access token only.
 *
 * @param userId token {@code sub}: the opaque user id, also the peer id others see
 * @param name display name from the token
 * @param deviceHash keyed hash of the device id ({@code dev} claim)
 * @param expiresAt token expiry, epoch seconds
 * @param languages the languages stated at sign-in ({@code langs} claim, primary tags; empty when none): what a
 *     {@code join-queue} without {@code languages} searches with
 */
public record Identity(String userId, String name, String deviceHash, long expiresAt, List<String> languages) {
  public Identity {
    languages = List.copyOf(languages);
  }

  /** An identity without stated languages. */
  public Identity(String userId, String name, String deviceHash, long expiresAt) {
    this(userId, name, deviceHash, expiresAt, List.of());
  }
}
