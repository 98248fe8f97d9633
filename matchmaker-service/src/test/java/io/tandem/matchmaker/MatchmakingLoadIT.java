package io.tandem.matchmaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Limits;
import io.tandem.common.Addresses;
import io.tandem.common.Env;
import io.tandem.common.RedisConnector;
import io.tandem.common.RedisKeys;
import io.tandem.common.ServiceRunner;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.Wishes;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.tandem.common.PeerNotifier;
import io.tandem.common.TestRedis;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.EndResult;
import io.tandem.common.store.RedisCallStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three matchmaker instances against one real Redis, 5,000 joins arriving at once with interests and mixed languages,
 * then calls ending, rejoins under the rematch cooldown, and departures; the invariants are checked
 * on the result. The gateway side is a small fake node (its Redis steps are the real ones).
 */
class MatchmakingLoadIT {
  static final int USERS = 5000;
  static final int MATCHMAKERS = 3;
  static final List<String> TOPICS = List.of("music", "chess", "art", "games", "travel");
  static final List<String> LANGUAGES = List.of("en", "es", "hi", "ar", "pt");
  static TestRedis redisServer;
  static Vertx vertx;
  static Env env;
  static Redis redis;
  static CallStore store;
  static PeerNotifier notifier;
  static final String NODE = "gw_fake_load";

  final Map<String, String> current = new ConcurrentHashMap<>();
  final Map<String, Set<String>> sessions = new ConcurrentHashMap<>();
  final Map<String, String> roles = new ConcurrentHashMap<>();
  final Map<String, String> peers = new ConcurrentHashMap<>();
  final Map<String, Long> endedPairs = new ConcurrentHashMap<>();
  final Set<String> departed = ConcurrentHashMap.newKeySet();
  /** Sessions undone before both sides had them (a side departed while its match was being delivered). */
  final Set<String> undone = ConcurrentHashMap.newKeySet();
  final Map<String, Wishes> wishesOf = new ConcurrentHashMap<>();
  final List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    redisServer = TestRedis.start();
    vertx = Vertx.vertx();
    // REDIS_TIMEOUT_MS raised: this test checks the invariants of a 5,000-join burst (3 matchmakers
    // sharing one client in one cold JVM), not latency; its fake gateway does not abandon timed-out joins
    env = Env.with(Map.of("REDIS_URL", redisServer.url(), "REDIS_TIMEOUT_MS", "30000", "RELAX_MS", "60000", "REMATCH_COOLDOWN_MS", "30000",
        "SWEEP_INTERVAL_MS", "200"));
    for (int i = 0; i < MATCHMAKERS; i++) ServiceRunner.deploy(vertx, env, MatchmakerModule::verticles).await(10, TimeUnit.SECONDS);
    redis = RedisConnector.create(vertx, env);
    store = new RedisCallStore(redis);
    notifier = new PeerNotifier(vertx.eventBus());
    store.heartbeat(NODE, true).await(5, TimeUnit.SECONDS);
    vertx.setPeriodic(500, t -> store.heartbeat(NODE, false));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
    redisServer.close();
  }

  static String pairKey(String a, String b) {
    return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
  }

  /** Called for every match a user receives (reply or delivery). */
  synchronized boolean matched(String user, MatchInfo m) {
    if (departed.contains(user)) return false;
    String before = current.putIfAbsent(user, m.sessionId());
    if (before != null && !before.equals(m.sessionId())) violations.add(user + " matched into " + m.sessionId() + " while in " + before);
    sessions.computeIfAbsent(m.sessionId(), k -> ConcurrentHashMap.newKeySet()).add(user);
    roles.put(user + "@" + m.sessionId(), m.role());
    peers.put(user + "@" + m.sessionId(), m.peerId());
    List<String> mine = wishesOf.get(user).languages();
    List<String> theirs = wishesOf.get(m.peerId()).languages();
    if (!mine.isEmpty() && !theirs.isEmpty() && !(mine.contains(m.commonLanguage()) && theirs.contains(m.commonLanguage()))) {
      violations.add(user + " " + mine + " and " + m.peerId() + " " + theirs + " paired before relax with common language '" + m.commonLanguage() + "'");
    }
    Long ended = endedPairs.get(pairKey(user, m.peerId()));
    if (ended != null) violations.add("pair " + pairKey(user, m.peerId()) + " rematched " + (System.currentTimeMillis() - ended) + " ms after ending");
    return true;
  }

  synchronized void ended(String user, String sid) {
    current.remove(user, sid);
  }

  Future<Void> join(String user) {
    JoinRequest req = new JoinRequest(new UserRef(user, "c_" + user, NODE), wishesOf.get(user));
    return vertx.eventBus().<JsonObject>request(Addresses.MATCHMAKER_JOIN, req.toJson(), new DeliveryOptions().setSendTimeout(30_000))
        .map(msg -> {
          JoinReply r = JoinReply.fromJson(msg.body());
          if (r.matched()) matched(user, r.match());
          return (Void) null;
        })
        // a rejoin may find the user already matched again by its own earlier rejoin: that is fine
        .recover(err -> io.tandem.common.Failures.map(err).code() == io.tandem.common.ErrorCode.IN_SESSION
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  @Test
  void fiveThousandConcurrentJoinsKeepEveryInvariant() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayNode(NODE), msg -> {
      Delivery d = Delivery.fromJson(msg.body());
      if (Delivery.MATCH.equals(d.type())) {
        if (matched(d.userId(), MatchInfo.fromJson(d.data()))) msg.reply(new JsonObject());
        else io.tandem.common.Failures.reply(msg, new io.tandem.common.TandemException(io.tandem.common.ErrorCode.GONE));
      } else if ("peer-disconnected".equals(d.type())) {
        // like the web client: the stranger left, search again
        if ("match-failed".equals(d.data().getString("reason"))) undone.add(d.data().getString("sessionId"));
        ended(d.userId(), d.data().getString("sessionId"));
        if (!departed.contains(d.userId())) join(d.userId());
      }
    }).completion().await(5, TimeUnit.SECONDS);

    Random rnd = new Random(42);
    List<String> users = new ArrayList<>();
    List<Future<Void>> connects = new ArrayList<>();
    for (int i = 0; i < USERS; i++) {
      String u = "u_load" + i;
      users.add(u);
      List<String> mine = new ArrayList<>();
      if (rnd.nextInt(10) >= 3) {
        for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
          String t = TOPICS.get(rnd.nextInt(TOPICS.size()));
          if (!mine.contains(t)) mine.add(t);
        }
      }
      List<String> speaks = new ArrayList<>();
      if (rnd.nextInt(10) > 0) {
        for (int k = 1 + rnd.nextInt(2); k > 0; k--) {
          String l = LANGUAGES.get(rnd.nextInt(LANGUAGES.size()));
          if (!speaks.contains(l)) speaks.add(l);
        }
      }
      wishesOf.put(u, new Wishes(mine, speaks));
      connects.add(store.connect(new UserRef(u, "c_" + u, NODE), "N" + i, "dev" + i, Limits.RESUME_GRACE_MS).mapEmpty());
    }
    Future.all(connects).await(60, TimeUnit.SECONDS);

    long t0 = System.nanoTime();
    List<Future<Void>> joins = new ArrayList<>();
    for (String u : users) joins.add(join(u));
    Future.all(joins).await(120, TimeUnit.SECONDS);
    System.out.printf("load: %d concurrent joins over %d matchmakers answered in %d ms, %d sessions%n",
        USERS, MATCHMAKERS, (System.nanoTime() - t0) / 1_000_000, sessions.size());
    assertTrue(sessions.size() > USERS / 4, "most users found someone: " + sessions.size());

    // End 500 calls, then both sides rejoin: the cooldown forbids the same pairs.
    List<String> toEnd = new ArrayList<>(sessions.keySet()).subList(0, 500);
    List<Future<Void>> ends = new ArrayList<>();
    List<String> rejoin = new ArrayList<>();
    for (String sid : toEnd) {
      List<String> pair = new ArrayList<>(sessions.get(sid));
      endedPairs.put(pairKey(pair.get(0), pair.get(1)), System.currentTimeMillis());
      ends.add(store.endCall(new UserRef(pair.get(0), "c_" + pair.get(0), NODE), sid).map(r -> {
        assertEquals(EndResult.Status.ENDED, r.status());
        notifier.callOver(r.ended().peer(), sid, PeerNotifier.Reason.LEFT);
        ended(pair.get(0), sid);
        return null;
      }));
      rejoin.addAll(pair);
    }
    Future.all(ends).await(30, TimeUnit.SECONDS);
    awaitQuiet(() -> rejoin.stream().noneMatch(current::containsKey));
    // Depart 200 users: some waiting, some in calls (their peers are told).
    List<Future<Void>> leaves = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String u = users.get(USERS - 1 - i * 7);
      if (rejoin.contains(u)) continue;
      departed.add(u);
      leaves.add(store.disconnect(new UserRef(u, "c_" + u, NODE)).map(ended -> {
        if (ended != null) notifier.callOver(ended.peer(), ended.sessionId(), PeerNotifier.Reason.DISCONNECTED);
        return (Void) null;
      }));
    }
    List<Future<Void>> rejoins = new ArrayList<>();
    for (String u : rejoin) rejoins.add(join(u));
    Future.all(leaves).await(30, TimeUnit.SECONDS);
    Future.all(rejoins).await(60, TimeUnit.SECONDS);
    Thread.sleep(1500); // a few sweeps

    assertEquals(List.of(), violations);
    // Every session has two users in opposite roles. One only had it when the other departed while the match
    // was being delivered (the session was undone, match-failed, or ended by the departure): then the store
    // holds nothing of it.
    int oneSided = 0;
    for (Map.Entry<String, Set<String>> e : sessions.entrySet()) {
      if (e.getValue().size() == 1) {
        String sid = e.getKey();
        String other = peers.get(e.getValue().iterator().next() + "@" + sid);
        assertTrue(undone.contains(sid) || departed.contains(other), sid + " reached one side only, and its other side did not depart");
        assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.session(sid))).await().toInteger(), sid + " is gone");
        oneSided++;
        continue;
      }
      assertEquals(2, e.getValue().size(), e.getKey());
      Set<String> rs = new HashSet<>();
      for (String u : e.getValue()) rs.add(roles.get(u + "@" + e.getKey()));
      assertEquals(Set.of("caller", "callee"), rs, e.getKey());
    }
    // Redis: every live user is in a live session or waiting; no session holds a departed user.
    int inCall = 0;
    int waiting = 0;
    for (String u : users) {
      if (departed.contains(u)) {
        assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.user(u))).await().toInteger(), u);
        continue;
      }
      Response h = redis.send(Request.cmd(Command.HMGET).arg(RedisKeys.user(u)).arg("session").arg("queuedAt")).await();
      boolean hasSession = h.get(0) != null
          && redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.session(h.get(0).toString()))).await().toInteger() == 1;
      boolean queued = redis.send(Request.cmd(Command.ZSCORE).arg(RedisKeys.QUEUE).arg(u)).await() != null;
      assertTrue(hasSession ^ queued, u + " is either in a call or waiting (session=" + hasSession + ", queued=" + queued + ")");
      if (hasSession) inCall++;
      else waiting++;
    }
    for (Response key : redis.send(Request.cmd(Command.KEYS).arg(RedisKeys.SESSION_PREFIX + "*")).await()) {
      Response s = redis.send(Request.cmd(Command.HMGET).arg(key.toString()).arg("caller").arg("callee")).await();
      for (int i = 0; i < 2; i++) {
        String u = s.get(i).toString();
        assertTrue(!departed.contains(u), key + " holds departed " + u);
        String sid = key.toString().substring(RedisKeys.SESSION_PREFIX.length());
        assertEquals(sid, String.valueOf(redis.send(Request.cmd(Command.HGET).arg(RedisKeys.user(u)).arg("session")).await()), u);
      }
    }
    System.out.printf("load: invariants hold: %d in calls, %d waiting, %d departed, %d sessions ever (%d reached one side only: its other side departed at delivery)%n",
        inCall, waiting, departed.size(), sessions.size(), oneSided);
  }

  private static void awaitQuiet(java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!done.getAsBoolean() && System.currentTimeMillis() < deadline) Thread.sleep(20);
  }
}
