package io.tandem.gateway.token;

import io.tandem.common.Limits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature and claims this gateway already verified, until they expire: a client that
 * reconnects with the same token (a dropped network, the gateway closing its sockets after a missed
 * heartbeat) costs a hash lookup instead of a P-256 verification (~1.2 ms on Java 17).
 * <p>
 * Keyed by the SHA-256 of the whole token (header, claims and signature), never by a part of it: a
 * token with other claims or another signature is another entry. Bounded: beyond
 * {@link #MAX_ENTRIES} expired entries are dropped, and when none is, nothing more is cached (the
 * token is then simply verified again). Checks that change over time stay outside the cache: the
 * caller still requires a known key id, and refuses revoked families on every use.
 */
public final class VerifiedTokens {
  /** Most tokens remembered (about 150 bytes each). */
  static final int MAX_ENTRIES = 20_000;

  /** A verified token: who, under which key, and until when (epoch seconds, the token's exp). */
  record Entry(Identity identity, String kid, String family, long expiresAt) {}

  /** SHA-256 of a token as four longs (32 bytes, no array). */
  private record Digest(long a, long b, long c, long d) {}

  private final Map<Digest, Entry> entries = new ConcurrentHashMap<>();

  /** The entry of this token while it has not expired (with the usual leeway), else null. */
  Entry get(String token, long nowSeconds) {
    Entry e = entries.get(digest(token));
    return e != null && e.expiresAt() + Limits.TOKEN_LEEWAY_SECONDS > nowSeconds ? e : null;
  }

  /** Remembers a verified token (unless the cache is full of unexpired ones). */
  void put(String token, Entry entry, long nowSeconds) {
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(e -> e.expiresAt() + Limits.TOKEN_LEEWAY_SECONDS <= nowSeconds);
      if (entries.size() >= MAX_ENTRIES) return;
    }
    entries.put(digest(token), entry);
  }

  int size() {
    return entries.size();
  }

  private static Digest digest(String token) {
    try {
      ByteBuffer b = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
      return new Digest(b.getLong(), b.getLong(), b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
