package io.tandem.common.store;

import io.tandem.common.msg.UserRef;

/**
 * What a {@link CallStore} step left behind, read from the store's own state (the Redis keys, or the
 * memory store's maps), and the few clock facts a test must set (a stall, a silent node).
 */
interface StoreProbe {
  /** The store this probe reads, on an empty state. */
  CallStore store();

  /** The store's clock, epoch ms. */
  long now();

  boolean queued(UserRef u);

  /** The user's place in the queue (its seq), or null. */
  Long queueSeq(UserRef u);

  /** Whether anyone waits in the interest's index. */
  boolean interestIndexed(String interest);

  /** Whether anyone waits in the index of language {@code tag}. */
  boolean languageIndexed(String tag);

  /** The session the user points at, or null. */
  String session(UserRef u);

  boolean sessionExists(String sessionId);

  boolean pending(String sessionId);

  /** Whether the store knows the user at all. */
  boolean userKnown(UserRef u);

  /** The user's registered socket, or null (none while in grace). */
  String conn(UserRef u);

  /** The node of the user's last registered socket, or null. */
  String node(UserRef u);

  /** Whether the user is listed among the node's sockets (reaped with it). */
  boolean onNode(String node, UserRef u);

  /** Whether the user is in the grace index. */
  boolean inGrace(UserRef u);

  /** Whether the user has a grace deadline. */
  boolean graceDeadline(UserRef u);

  /** How many users are in the grace index. */
  long graceCount();

  /** Sets when the last reap step ran (STORE_CLOCK). */
  void lastReapAt(long ms);

  /** Marks a stall that ended at {@code ms} (STORE_STALL); {@code 0} clears it. */
  void stallEndedAt(long ms);

  /** Sets the node's last heartbeat. */
  void lastBeat(String node, long ms);
}
