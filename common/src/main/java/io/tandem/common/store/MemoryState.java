package io.tandem.common.store;

import io.tandem.common.Languages;
import io.tandem.common.Limits;
import io.tandem.common.msg.UserRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The memory store's data, one structure per Redis key of the schema, and the steps the scripts
 * share (_prelude.lua), translated one to one. Not thread-safe: {@link MemoryCallStore} runs every
 * step under one lock.
 */
final class MemoryState {
  static final String SEP = Limits.INTEREST_SEPARATOR;

  final Map<String, MemoryUser> users = new HashMap<>();
  final Map<String, MemorySession> sessions = new HashMap<>();
  final Ranked queue = new Ranked();
  final Ranked plain = new Ranked();
  final Map<String, Ranked> interestIndexes = new HashMap<>();
  final Map<String, Ranked> languageIndexes = new HashMap<>();
  final Ranked nodes = new Ranked();
  final Ranked pending = new Ranked();
  final Ranked grace = new Ranked();
  final Set<String> online = new HashSet<>();
  final Map<String, Set<String>> nodeUsers = new HashMap<>();
  /** When two users last ended a call (key: ids in order); entries older than PAIR_MEMORY_MS are gone. */
  private final LinkedHashMap<String, Long> pairEnded = new LinkedHashMap<>();
  long queueSeq;
  /** STORE_CLOCK: when the last reap step ran (0 = never). */
  long storeClock;
  /** STORE_STALL: when a stall ended, and when that mark expires. */
  long stallAt;
  long stallExpiresAt;
  private final LongSupplier clock;

  MemoryState(LongSupplier clock) {
    this.clock = clock;
  }

  long now() {
    return clock.getAsLong();
  }

  /** A user's socket as a ref (empty strings when unknown). */
  UserRef ref(String uid) {
    MemoryUser u = users.get(uid);
    return u == null ? new UserRef(uid, "", "") : new UserRef(uid, orEmpty(u.conn), orEmpty(u.node));
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** The user when {@code conn} is its registered socket, else null. */
  MemoryUser registered(UserRef user) {
    MemoryUser u = users.get(user.userId());
    return u != null && user.connId().equals(u.conn) ? u : null;
  }

  /** A live session, or null (one past its TTL is dropped, as Redis expires its key). */
  MemorySession session(String sid) {
    MemorySession s = sid == null ? null : sessions.get(sid);
    if (s != null && now() >= s.expiresAt) {
      sessions.remove(sid);
      return null;
    }
    return s;
  }

  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    if (s != null) for (String part : s.split(SEP)) if (!part.isEmpty()) out.add(part);
    return out;
  }

  Ranked index(String interest) {
    return interestIndexes.getOrDefault(interest, new Ranked());
  }

  /** ZREM from an interest index (dropped once empty, as Redis drops an empty key). */
  void unindex(String interest, String uid) {
    unindex(interestIndexes, interest, uid);
  }

  /** The waiting users who speak {@code tag} (empty when none). */
  Ranked languageIndex(String tag) {
    return languageIndexes.getOrDefault(tag, new Ranked());
  }

  void unindexLanguage(String tag, String uid) {
    unindex(languageIndexes, tag, uid);
  }

  private static void unindex(Map<String, Ranked> indexes, String key, String uid) {
    Ranked r = indexes.get(key);
    if (r != null && r.remove(uid) && r.size() == 0) indexes.remove(key);
  }

  void nodeUsersRemove(String node, String uid) {
    Set<String> s = node == null ? null : nodeUsers.get(node);
    if (s != null && s.remove(uid) && s.isEmpty()) nodeUsers.remove(node);
  }

  Set<String> nodeUsersOf(String node) {
    return nodeUsers.computeIfAbsent(node, n -> new LinkedHashSet<>());
  }

  /** When the pair last ended a call, or null (forgotten after PAIR_MEMORY_MS). */
  Long pairEndedAt(String a, String b) {
    Long at = pairEnded.get(pairKey(a, b));
    return at != null && now() - at < Limits.PAIR_MEMORY_MS ? at : null;
  }

  private void rememberPair(String a, String b, long now) {
    var oldest = pairEnded.values().iterator();
    while (oldest.hasNext() && now - oldest.next() >= Limits.PAIR_MEMORY_MS) oldest.remove();
    pairEnded.remove(pairKey(a, b));
    pairEnded.put(pairKey(a, b), now);
  }

  private static String pairKey(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  /** Creates a session and points both users at it (pending until confirmed). */
  void createSession(String sid, String caller, String callee, long now) {
    sessions.put(sid, new MemorySession(caller, callee, now + Limits.SESSION_TTL_SECONDS * 1000L));
    pending.add(sid, now);
    users.get(caller).session = sid;
    users.get(callee).session = sid;
  }

  /** Removes a user from the queue and its interest indexes (interests: SEP-joined, or null to read them). */
  void dequeue(String uid, String interests) {
    MemoryUser u = users.get(uid);
    if (interests == null) interests = u == null ? "" : orEmpty(u.interests);
    queue.remove(uid);
    List<String> list = split(interests);
    if (list.isEmpty()) plain.remove(uid);
    for (String i : list) unindex(i, uid);
    if (u != null) {
      for (String l : Languages.split(u.languages)) unindexLanguage(l, uid);
      u.queuedAt = null;
      u.seq = null;
    }
  }

  /**
   * Ends a session; returns the ref of the user other than uid, or null when it no longer exists.
   * Remembers the pair (cooldown) unless {@code forget}. A user of it in grace leaves it: one
   * without a socket is forgotten, one whose new socket has not resumed keeps that socket.
   */
  UserRef endSession(String sid, String uid, boolean forget) {
    MemorySession s = session(sid);
    pending.remove(sid);
    if (s == null) return null;
    sessions.remove(sid);
    if (!forget) rememberPair(s.caller, s.callee, now());
    String peer = s.caller.equals(uid) ? s.callee : s.caller;
    for (String id : List.of(s.caller, s.callee)) {
      MemoryUser h = users.get(id);
      if (h == null || !sid.equals(h.session)) continue;
      grace.remove(id);
      if (h.conn == null) {
        online.remove(id);
        users.remove(id);
      } else {
        h.session = null;
        h.graceUntil = null;
        h.last = sid;
      }
    }
    return ref(peer);
  }

  /** Removes a connected user everywhere; returns the call that ended with it, or null. */
  EndedCall removeUser(String uid) {
    MemoryUser u = users.get(uid);
    dequeue(uid, null);
    online.remove(uid);
    grace.remove(uid);
    if (u != null) nodeUsersRemove(u.node, uid);
    users.remove(uid);
    if (u != null && u.session != null) {
      UserRef peer = endSession(u.session, uid, false);
      if (peer != null) return new EndedCall(u.session, peer);
    }
    return null;
  }

  /** Undoes a match (no cooldown); both users to tell, or none when the session no longer exists. */
  List<UserRef> undoSession(String sid) {
    MemorySession s = session(sid);
    if (s == null) {
      pending.remove(sid);
      return List.of();
    }
    List<UserRef> out = List.of(ref(s.caller), ref(s.callee));
    endSession(sid, s.caller, true);
    return out;
  }

  /** The other user of session sid, or null when the session is gone. */
  String peerOf(String sid, String uid) {
    MemorySession s = session(sid);
    if (s == null) return null;
    return s.caller.equals(uid) ? s.callee : s.caller;
  }

  /**
   * A lost socket's live call waits for a resume (the socket is forgotten, the session and user
   * stay; an earlier deadline is kept). The peer to tell, or null when the user is in no live call.
   */
  Graced toGrace(String uid, long graceMs, long now) {
    MemoryUser u = users.get(uid);
    if (u == null || u.session == null) return null;
    String peer = peerOf(u.session, uid);
    if (peer == null) return null;
    nodeUsersRemove(u.node, uid);
    u.conn = null;
    if (u.graceUntil == null) {
      u.graceUntil = now + graceMs;
      grace.add(uid, u.graceUntil);
    }
    long epoch = ++session(u.session).epoch;
    return new Graced(u.session, ref(peer), Math.max(0, u.graceUntil - now), epoch);
  }

  /** STORE_STALL's value, or 0 once it expired. */
  long stall(long now) {
    return stallExpiresAt > now ? stallAt : 0;
  }

  /** True while the store recovers from a stall: deadlines that passed meanwhile are not acted on. */
  boolean stalled(long now, long ttl) {
    if (storeClock > 0 && now - storeClock > ttl) return true;
    return stall(now) > now - ttl;
  }
}
