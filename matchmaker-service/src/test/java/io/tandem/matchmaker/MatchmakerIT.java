package io.tandem.matchmaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Limits;
import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Env;
import io.tandem.common.Failures;
import io.tandem.common.RedisKeys;
import io.tandem.common.TandemException;
import io.tandem.common.TestRedis;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.JoinRequest;
import io.tandem.common.msg.Wishes;
import io.tandem.common.msg.UserRef;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.RedisCallStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The matchmaker's verticles against a real redis-server and a fake gateway node on the event bus:
 * the join path (deliver to the waiting user, confirm, reply), a partner that refuses (undo, tell,
 * retry), the backup sweep, unconfirmed matches undone, and dead gateway nodes reaped.
 */
class MatchmakerIT {
  static final String NODE = "gw_test";
  static TestRedis server;
  static Vertx vertx;
  static Redis redis;
  static CallStore store;
  /** Users whose socket refuses its match (as a gateway does for a socket that is no longer searching). */
  static final Set<String> refusing = ConcurrentHashMap.newKeySet();
  /** Every delivery the fake node received: {type, userId, data}. */
  static final List<JsonObject> delivered = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = TestRedis.start();
    vertx = Vertx.vertx();
    Env env = Env.with(Map.of("REDIS_URL", server.url(), "SWEEP_INTERVAL_MS", "100", "BUS_TIMEOUT_MS", "1000",
        "MATCH_CONFIRM_MS", "500", "NODE_TTL_MS", "1000", "RELAX_MS", "300", "RESUME_GRACE_MS", "500"));
    redis = Redis.createClient(vertx, server.url());
    store = new RedisCallStore(redis);
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayNode(NODE), msg -> {
      Delivery d = Delivery.fromJson(msg.body());
      delivered.add(new JsonObject().put("type", d.type()).put("userId", d.userId()).put("data", d.data()));
      if (Delivery.MATCH.equals(d.type())) {
        if (refusing.contains(d.userId())) Failures.reply(msg, new TandemException(ErrorCode.GONE));
        else msg.reply(new JsonObject());
      }
    }).completion().await();
    for (var v : MatchmakerModule.verticles(vertx, env).await()) vertx.deployVerticle(v).await();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) vertx.close().await();
    if (server != null) server.close();
  }

  @BeforeEach
  void clean() {
    redis.send(Request.cmd(Command.FLUSHALL)).await();
    refusing.clear();
    delivered.clear();
    beat();
  }

  static void beat() {
    store.heartbeat(NODE, true).await();
  }

  static UserRef user(String name) {
    UserRef u = new UserRef("u_" + name + System.nanoTime(), "c_" + System.nanoTime(), NODE);
    store.connect(u, name, "dev_" + name, Limits.RESUME_GRACE_MS).await();
    return u;
  }

  static JoinReply join(UserRef u, String... interests) {
    JsonObject body = vertx.eventBus().<JsonObject>request(Addresses.MATCHMAKER_JOIN,
        new JoinRequest(u, Wishes.interests(List.of(interests))).toJson(), new DeliveryOptions().setSendTimeout(5000)).await().body();
    return JoinReply.fromJson(body);
  }

  static List<JsonObject> deliveries(String type, UserRef u) {
    return delivered.stream().filter(d -> type.equals(d.getString("type")) && u.userId().equals(d.getString("userId"))).toList();
  }

  static boolean pendingEmpty() {
    return redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.PENDING)).await().toInteger() == 0;
  }

  static void waitFor(String what, java.util.function.BooleanSupplier ok) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what + "; deliveries " + delivered);
      Thread.sleep(20);
      beat();
    }
  }

  @Test
  void joinTellsTheWaitingUserAndRepliesToTheJoinerThenConfirms() throws Exception {
    UserRef a = user("a");
    UserRef b = user("b");
    assertFalse(join(a).matched());
    JoinReply r = join(b);
    assertTrue(r.matched());
    assertEquals(a.userId(), r.match().peerId());
    assertEquals("callee", r.match().role());
    waitFor("the waiting user's node got the match", () -> deliveries(Delivery.MATCH, a).size() == 1);
    List<JsonObject> toA = deliveries(Delivery.MATCH, a);
    assertEquals(r.match().sessionId(), toA.get(0).getJsonObject("data").getString("sessionId"));
    waitFor("confirmed", MatchmakerIT::pendingEmpty);
  }

  @Test
  void bothSidesAreToldAtOnceAndAPartnerThatRefusesUndoesTheMatchForBoth() throws Exception {
    UserRef a = user("a");
    UserRef b = user("b");
    assertFalse(join(a).matched());
    refusing.add(a.userId());
    JoinReply r = join(b);
    assertTrue(r.matched(), "the joiner is told in the reply, without waiting for the partner's gateway");
    waitFor("both told match-failed", () -> deliveries("peer-disconnected", a).size() == 1 && deliveries("peer-disconnected", b).size() == 1);
    for (UserRef u : List.of(a, b)) {
      JsonObject told = deliveries("peer-disconnected", u).get(0).getJsonObject("data");
      assertEquals("match-failed", told.getString("reason"));
      assertEquals(r.match().sessionId(), told.getString("sessionId"));
    }
    assertTrue(pendingEmpty());
    assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.session(r.match().sessionId()))).await().toInteger(), "the session is gone");
    refusing.clear();
    // both search again (the joiner's client, the waiting user's gateway): no cooldown between them
    assertFalse(join(b).matched());
    assertTrue(join(a).matched(), "an undone match leaves no rematch cooldown");
  }

  @Test
  void theSweepPairsWhatTheJoinCouldNot() throws Exception {
    UserRef a = user("a");
    UserRef b = user("b");
    assertFalse(join(a, "chess").matched());
    assertFalse(join(b, "golf").matched(), "no shared interest: both wait");
    waitFor("the sweep pairs them after RELAX_MS", () -> deliveries(Delivery.MATCH, a).size() == 1 && deliveries(Delivery.MATCH, b).size() == 1);
    waitFor("confirmed", MatchmakerIT::pendingEmpty);
  }

  @Test
  void unconfirmedMatchesAreUndoneAndBothTold() throws Exception {
    UserRef a = user("a");
    UserRef b = user("b");
    store.join(a, List.of(), new io.tandem.common.store.MatchRules("t", 64, 5000, 5000, 0)).await();
    String sid = store.join(b, List.of(), new io.tandem.common.store.MatchRules("t", 64, 5000, 5000, 0)).await().paired().orElseThrow().sessionId();
    // nobody delivers or confirms it: the matchmaker that made it "died"
    waitFor("both told match-failed", () -> deliveries("peer-disconnected", a).size() == 1 && deliveries("peer-disconnected", b).size() == 1);
    assertEquals(sid, deliveries("peer-disconnected", a).get(0).getJsonObject("data").getString("sessionId"));
    assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.session(sid))).await().toInteger());
  }

  @Test
  void aDeadGatewayNodesCallsWaitForAResumeThenTheirSurvivorsAreTold() throws Exception {
    UserRef a = user("a");
    UserRef ghost = new UserRef("u_ghost" + System.nanoTime(), "c_ghost", "gw_dead");
    store.connect(ghost, "ghost", "dev_g", Limits.RESUME_GRACE_MS).await();
    store.heartbeat("gw_dead", true).await();
    io.tandem.common.store.MatchRules rules = new io.tandem.common.store.MatchRules("t", 64, 5000, 5000, 0);
    store.join(ghost, List.of(), rules).await();
    String sid = store.join(a, List.of(), rules).await().paired().orElseThrow().sessionId();
    store.confirm(sid).await();
    // gw_dead beats no more: after NODE_TTL_MS the sweep reaps it; its call waits RESUME_GRACE_MS for a resume
    waitFor("the survivor hears its stranger is reconnecting", () -> deliveries("peer-reconnecting", a).stream()
        .anyMatch(d -> sid.equals(d.getJsonObject("data").getString("sessionId"))));
    assertEquals(1, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.session(sid))).await().toInteger(), "the call is kept meanwhile");
    waitFor("then, nobody having resumed, that the call is over", () -> deliveries("peer-disconnected", a).stream()
        .anyMatch(d -> "timeout".equals(d.getJsonObject("data").getString("reason"))));
    assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.user(ghost.userId()))).await().toInteger(), "the dead node's user is gone");
    assertEquals(0, redis.send(Request.cmd(Command.EXISTS).arg(RedisKeys.session(sid))).await().toInteger(), "its call ended");
  }
}
