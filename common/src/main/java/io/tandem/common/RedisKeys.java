package io.tandem.common;

/**
 * The Redis key schema. Keys one Lua script touches share the hash tag {@code {tandem}}, so the
 * schema also works on Redis Cluster (they live in one slot). Names follow the original design
 * ({@code matchmaking:queue}, {@code session:<id>}) behind that tag.
 */
public final class RedisKeys {
  private RedisKeys() {}

  /** Hash tag shared by every key the call-flow scripts touch (the one matching partition of {@code MATCH_PARTITIONS=1}). */
  public static final String TAG = "{tandem}:";

  /**
   * The key prefix of one matching partition: {@link #TAG} for the default partition ({@code ""}:
   * one partition, today's key names), else {@code {tandem:<partition>}:} (its own slot).
   */
  public static String tag(String partition) {
    return partition.isEmpty() ? TAG : "{tandem:" + partition + "}:";
  }

  /** {@link #QUEUE} of one partition (a script's KEYS[1]: the other keys of the partition follow from it). */
  public static String queue(String partition) {
    return tag(partition) + QUEUE.substring(TAG.length());
  }

  /** {@link #NODES} of one partition. */
  public static String nodes(String partition) {
    return tag(partition) + NODES.substring(TAG.length());
  }

  /** {@link #user} of one partition. */
  public static String user(String partition, String userId) {
    return tag(partition) + USER_PREFIX.substring(TAG.length()) + userId;
  }

  /** {@link #session} of one partition. */
  public static String session(String partition, String sessionId) {
    return tag(partition) + SESSION_PREFIX.substring(TAG.length()) + sessionId;
  }

  /** ZSET userId → first join's Redis time in µs (arrival order): the waiting queue, oldest first. */
  public static final String QUEUE = TAG + "matchmaking:queue";
  /** ZSET userId → the queue's score: waiting users without interests. */
  public static final String QUEUE_PLAIN = TAG + "matchmaking:plain";
  /** Prefix of {@link #interestQueue}. */
  public static final String INTEREST_QUEUE_PREFIX = TAG + "matchmaking:interest:";
  /** Prefix of {@link #languageQueue}. */
  public static final String LANGUAGE_QUEUE_PREFIX = TAG + "matchmaking:lang:";
  /** Prefix of {@link #pairEnded}. */
  public static final String PAIR_ENDED_PREFIX = TAG + "ended:";
  /** SET of userIds with an open socket (presence count). */
  public static final String ONLINE = TAG + "online";
  /** ZSET gatewayNodeId → last heartbeat (Redis clock, ms): live gateway nodes. */
  public static final String NODES = TAG + "nodes";

  /** ZSET sessionId → pairing time (Redis clock, ms): matches not yet confirmed as delivered; the sweep undoes old ones. */
  public static final String PENDING = TAG + "pending";
  /** STRING Redis time (ms) of the last dead-node reap step (a long gap means the store stalled). */
  public static final String STORE_CLOCK = TAG + "store-clock";
  /** STRING Redis time (ms) when the last store stall was noticed; TTL 2 × NODE_TTL_MS (no node is reaped meanwhile). */
  public static final String STORE_STALL = TAG + "store-stall";

  /** ZSET userId → deadline (Redis clock, ms): users whose socket was lost mid-call, in the resume grace window. */
  public static final String GRACE = TAG + "grace";

  /** Prefix of {@link #user}. */
  public static final String USER_PREFIX = TAG + "user:";
  /** Prefix of {@link #session}. */
  public static final String SESSION_PREFIX = TAG + "session:";
  /** Prefix of {@link #nodeUsers}. */
  public static final String NODE_USERS_PREFIX = TAG + "node-users:";

  /** HASH of a connected user: node, conn (absent while in the grace window without a socket), name, dev, session (current), graceUntil (ms, while the call waits for a resume), q (the queue score while waiting, else absent or empty), interests and langs (comma-joined language tags; those indexed while waiting). */
  public static String user(String userId) {
    return USER_PREFIX + userId;
  }

  /** HASH of a call: caller, callee, epoch (counts grace/resume changes, so stale notices are ignored); TTL 1 h. */
  public static String session(String sessionId) {
    return SESSION_PREFIX + sessionId;
  }

  /** ZSET userId → the queue's score: waiting users with this (normalized) interest. */
  public static String interestQueue(String interest) {
    return INTEREST_QUEUE_PREFIX + interest;
  }

  /** ZSET userId → the queue's score: waiting users who speak this language (a primary tag, e.g. "es"). */
  public static String languageQueue(String tag) {
    return LANGUAGE_QUEUE_PREFIX + tag;
  }

  /** STRING epoch ms, TTL {@link Limits#PAIR_MEMORY_MS}: when two users (ids in order, joined by '|') last ended a call together. */
  public static String pairEnded(String userA, String userB) {
    return PAIR_ENDED_PREFIX + (userA.compareTo(userB) < 0 ? userA + "|" + userB : userB + "|" + userA);
  }

  /** SET of userIds connected to one gateway node (cleaned when the node dies). */
  public static String nodeUsers(String nodeId) {
    return NODE_USERS_PREFIX + nodeId;
  }

  /** STRING "live" (usable once) or "spent" of one refresh token, by SHA-256 of the token, hash-tagged with its family; TTL = the token's lifetime. */
  public static String refreshToken(String family, String tokenHash) {
    return "auth:refresh:{" + family + "}:" + tokenHash;
  }

  /** HASH sub, name, dev, revoked ("1" once a spent token of it was presented) of a refresh-token family (one sign-in and its rotations); TTL = the lifetime of its newest token. */
  public static String refreshFamily(String family) {
    return "auth:refresh-family:{" + family + "}";
  }

  /** ZSET familyId → ms until which gateways refuse access tokens of that revoked family (pruned as entries pass). */
  public static final String REVOKED_FAMILIES = "auth:revoked-families";

  /** HASH kid → JSON {"jwk", "exp" (ms)}: the public keys that verify access tokens. */
  public static final String JWKS = "auth:jwks";
  /** STRING (GCRA theoretical arrival time, ms) of one rate-limited client in one scope, e.g. {@code ratelimit:http:ip:<hash>}. */
  public static String rateLimit(String scope, String clientKey) {
    return "ratelimit:" + scope + ":" + clientKey;
  }

  /** STRING JSON {reason, expiresAt, source}: a blocked network, by keyed hash of the IP (never the IP); TTL = the block's expiry. */
  public static String blockedIp(String ipHash) {
    return "blocklist:ip:{" + ipHash + "}";
  }

  /** STRING JSON {reason, expiresAt, source}: a blocked device, by keyed hash of the device id (hash-tagged with it, like its reports); TTL = the block's expiry. */
  public static String blockedDevice(String deviceHash) {
    return "blocklist:device:{" + deviceHash + "}";
  }

  /** ZSET blockKey → expiresAt (s): index of current blocks for the admin API. */
  public static final String BLOCK_INDEX = "blocklist-index";

  /** ZSET reporterDeviceHash → ms: recent reports against one device (window = REPORT_WINDOW_SECONDS). */
  public static String reportsAgainst(String deviceHash) {
    return "reports:device:{" + deviceHash + "}";
  }

  /** LIST of JSON reports {sessionId, reason, reportedDevice (hash), ts}, newest first, capped (no reporter identity). */
  public static final String REPORTS = "reports:recent";
  /**
   * The names the Lua scripts use, by placeholder, without the partition's tag ({@code '%QUEUE%'} in a script is {@link #QUEUE}):
   * the scripts take every key from here, so the schema is written once.
   */
  public static final java.util.Map<String, String> SCRIPT_NAMES = scriptNames(java.util.Map.ofEntries(
      java.util.Map.entry("QUEUE", QUEUE),
      java.util.Map.entry("QUEUE_PLAIN", QUEUE_PLAIN), java.util.Map.entry("INTEREST_QUEUE_PREFIX", INTEREST_QUEUE_PREFIX),
      java.util.Map.entry("LANGUAGE_QUEUE_PREFIX", LANGUAGE_QUEUE_PREFIX),
      java.util.Map.entry("PAIR_ENDED_PREFIX", PAIR_ENDED_PREFIX), java.util.Map.entry("ONLINE", ONLINE),
      java.util.Map.entry("NODES", NODES), java.util.Map.entry("PENDING", PENDING),
      java.util.Map.entry("STORE_CLOCK", STORE_CLOCK), java.util.Map.entry("STORE_STALL", STORE_STALL), java.util.Map.entry("GRACE", GRACE),
      java.util.Map.entry("USER_PREFIX", USER_PREFIX), java.util.Map.entry("SESSION_PREFIX", SESSION_PREFIX),
      java.util.Map.entry("NODE_USERS_PREFIX", NODE_USERS_PREFIX)));

  /** The scripts get each name without its partition's tag: they prefix the tag of their KEYS[1] (the partition's queue). */
  private static java.util.Map<String, String> scriptNames(java.util.Map<String, String> full) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    full.forEach((k, v) -> out.put(k, v.substring(TAG.length())));
    return java.util.Map.copyOf(out);
  }

  /** STRING: the keyed-hash secret shared by all replicas when {@code HASH_SECRET} is not configured. */
  public static final String HASH_SECRET = "auth:hash-secret";

  /** STRING: the proof-of-work challenge key shared by auth replicas when {@code POW_SECRET} is not configured. */
  public static final String POW_SECRET = "auth:pow-secret";

  /** STRING integer: the operator's base proof-of-work difficulty, replacing {@code TOKEN_POW_DIFFICULTY} while it exists (optional TTL; admin API {@code /admin/pow}). */
  public static final String POW_BASE_DIFFICULTY = "auth:pow-base-difficulty";

  /** STRING "1": a proof-of-work challenge (by its salt, hash-tagged with it) already spent on a token; TTL = the challenge's remaining life plus a margin (SET NX). */
  public static String powSpent(String salt) {
    return "auth:pow-spent:{" + salt + "}";
  }

  /** HASH {level, at (ms)}: a network's fading count of recently minted tokens (pow_level.lua), by keyed hash of its IP (never the IP), hash-tagged with it. */
  public static String powLevel(String ipHash) {
    return "auth:pow-level:{" + ipHash + "}";
  }
}
