package io.tandem.common.store;

/** A session as the memory store keeps it (the Redis session hash; gone once {@code expiresAt} passed, as its key's TTL). */
final class MemorySession {
  final String caller;
  final String callee;
  final long expiresAt;
  /** Orders the session's grace and resume notices (HINCRBY epoch). */
  long epoch;

  MemorySession(String caller, String callee, long expiresAt) {
    this.caller = caller;
    this.callee = callee;
    this.expiresAt = expiresAt;
  }
}
