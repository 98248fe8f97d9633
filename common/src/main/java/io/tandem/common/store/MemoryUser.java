package io.tandem.common.store;

/** A user as the memory store keeps it (the fields of the Redis user hash; null = absent). */
final class MemoryUser {
  String node;
  /** The registered socket; null while the user is in the grace window without one. */
  String conn;
  String name = "";
  String dev = "";
  String session;
  String last;
  String interests;
  /** Languages, comma-joined (Languages.join); null or empty = none stated. */
  String languages;
  Long queuedAt;
  Long seq;
  Long graceUntil;
  /** Joins fenced with this or an earlier fence are refused (the Redis hash's {@code fence}). */
  long fence;
}
