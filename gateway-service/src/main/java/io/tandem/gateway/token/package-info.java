/**
 * Access tokens: verification against the auth service's published keys ({@code TokenVerifier}), the
 * cache of verified tokens ({@code VerifiedTokens}) and who is on a socket ({@code Identity}, from
 * token claims only). Owns the verification keys and the verified-token cache.
 */
package io.tandem.gateway.token;
