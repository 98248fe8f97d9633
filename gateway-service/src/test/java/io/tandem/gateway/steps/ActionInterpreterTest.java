package io.tandem.gateway.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Addresses;
import io.tandem.common.ErrorCode;
import io.tandem.common.Failures;
import io.tandem.common.PeerNotifier;
import io.tandem.common.TandemException;
import io.tandem.common.msg.JoinReply;
import io.tandem.common.msg.Wishes;
import io.tandem.common.msg.MatchInfo;
import io.tandem.common.msg.UserRef;
import io.tandem.common.store.CallStore;
import io.tandem.common.store.EndResult;
import io.tandem.common.store.EndedCall;
import io.tandem.common.store.Stats;
import io.tandem.gateway.call.CallAction;
import io.tandem.gateway.call.CallState;
import io.tandem.gateway.presence.Presence;
import io.tandem.gateway.protocol.MatchedFrame;
import io.tandem.gateway.socket.SocketLoopTest;
import io.tandem.gateway.token.Identity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one interpreter of {@link CallAction}s, against a real event bus (a scripted matchmaker) and a
 * scripted call store: writes, the join's replies fed back to the state, and the server's one join
 * retry per failure kind (an undone match, a ghost session) run as the socket's next ordered step.
 */
class ActionInterpreterTest {
  private static final String NODE = "node-a";
  private final Vertx vertx = Vertx.vertx();
  /** What the scripted matchmaker answers, in order (a TandemException: a failure). */
  private final Deque<Object> joinAnswers = new ArrayDeque<>();
  private final List<String> storeCalls = new CopyOnWriteArrayList<>();
  /** The session the store undoes on abandon (null: none). */
  private volatile String ghost;
  private Context loop;
  private FakeLink link;
  private ActionInterpreter actions;

  @BeforeEach
  void setUp() throws Exception {
    loop = SocketLoopTest.contexts(vertx, 1, ThreadingModel.EVENT_LOOP).get(0);
    vertx.eventBus().<JsonObject>consumer(Addresses.MATCHMAKER_JOIN, msg -> {
      storeCalls.add("join");
      Object next = joinAnswers.poll();
      if (next instanceof TandemException te) Failures.reply(msg, te);
      else msg.reply(((JoinReply) next).toJson());
    }).completion().await(5, TimeUnit.SECONDS);
    vertx.eventBus().<JsonObject>consumer(Addresses.MATCHMAKER_LEAVE, msg -> {
      storeCalls.add("leave");
      msg.reply(new JsonObject());
    }).completion().await(5, TimeUnit.SECONDS);
    Presence presence = new Presence(store(), new PeerNotifier(vertx.eventBus()), null, NODE, 1000);
    actions = new ActionInterpreter(vertx.eventBus(), new DeliveryOptions().setSendTimeout(2000), NODE, presence,
        new MatchedFrame(new JsonArray(), null));
    link = new FakeLink();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  /** A store that answers only what the interpreter asks of it here. */
  private CallStore store() {
    return (CallStore) Proxy.newProxyInstance(CallStore.class.getClassLoader(), new Class<?>[] {CallStore.class}, (p, m, args) -> {
      storeCalls.add(m.getName());
      return switch (m.getName()) {
        case "abandon" -> Future.succeededFuture(ghost == null ? null : new EndedCall(ghost, new UserRef("bob", "conn-b", NODE)));
        case "endCall" -> Future.succeededFuture(new EndResult(EndResult.Status.GONE, null));
        case "stats" -> Future.succeededFuture(new Stats(3, 1));
        default -> throw new UnsupportedOperationException(m.getName());
      };
    });
  }

  private static MatchInfo match(String sessionId) {
    return new MatchInfo(sessionId, "bob", MatchInfo.CALLER, "Bob", NODE, "conn-b", List.of(), "dev-b", "");
  }

  /** Runs {@code step} on the socket's loop and waits for it and every ordered step it queued. */
  private void onLoop(Supplier<Future<Void>> step) throws Exception {
    SocketLoopTest.on(loop, () -> {
      link.inOrder(step);
      return null;
    });
    // a retry queues one more step while the first runs: wait until no step is left
    Future<Void> seen;
    do {
      seen = link.settled();
      seen.await(5, TimeUnit.SECONDS);
    } while (seen != link.settled());
  }

  private Supplier<Future<Void>> join() {
    return () -> actions.run(link, link.call().join(Wishes.interests(List.of("chess"))));
  }

  @Test
  void aQueuedJoinWritesQueuedWithCountsAndIceServers() throws Exception {
    joinAnswers.add(JoinReply.queued());
    onLoop(join());
    assertEquals(List.of("queued"), link.types());
    JsonObject queued = new JsonObject(link.sent.get(0)).getJsonObject("data");
    assertEquals(3L, queued.getLong("online"));
    assertTrue(queued.containsKey("iceServers"), queued.encode());
  }

  @Test
  void aMatchAtOnceWritesQueuedThenMatched() throws Exception {
    joinAnswers.add(JoinReply.matched(match("s1")));
    onLoop(join());
    assertEquals(List.of("queued", "matched"), link.types());
  }

  @Test
  void aMatchUndoneBeforeItArrivedIsRetriedOnceAsTheNextStep() throws Exception {
    SocketLoopTest.on(loop, () -> link.call().peerDisconnected("s1", true, "{}")); // undone before its match reached us
    joinAnswers.add(JoinReply.matched(match("s1")));
    joinAnswers.add(JoinReply.queued());
    onLoop(join());
    assertEquals(List.of("join", "join", "stats"), storeCalls, "the server searched again itself");
    assertEquals(List.of("queued", "queued"), link.types(), "matched at once (refused), then queued by the retry");
  }

  @Test
  void aGhostSessionIsUndoneAndTheJoinRetriedOnce() throws Exception {
    ghost = "ghost-1";
    joinAnswers.add(new TandemException(ErrorCode.IN_SESSION));
    joinAnswers.add(JoinReply.queued());
    onLoop(join());
    assertEquals(List.of("join", "abandon", "join", "stats"), storeCalls);
    assertEquals(List.of("queued"), link.types(), "the client never hears the ghost");
  }

  @Test
  void aSecondGhostRefusalReachesTheClient() throws Exception {
    ghost = "ghost-1";
    joinAnswers.add(new TandemException(ErrorCode.IN_SESSION));
    joinAnswers.add(new TandemException(ErrorCode.IN_SESSION));
    onLoop(join());
    assertEquals(List.of("join", "abandon", "join", "abandon"), storeCalls, "retried once only");
    assertEquals(List.of("error"), link.types());
    JsonObject error = new JsonObject(link.sent.get(0)).getJsonObject("data");
    assertEquals("in-session", error.getString("code"));
    assertEquals("join-queue", error.getString("ref"));
  }

  @Test
  void anUnavailableMatchmakerIsGivenUpAndNotRetried() throws Exception {
    joinAnswers.add(new TandemException(ErrorCode.UNAVAILABLE));
    Future<Void> step = SocketLoopTest.on(loop, () -> actions.run(link, link.call().join(Wishes.interests(List.of()))));
    Throwable err = step.transform(ar -> Future.succeededFuture(ar.cause())).await(5, TimeUnit.SECONDS);
    assertEquals(ErrorCode.UNAVAILABLE, Failures.map(err).code(), "the client owns that retry (docs/architecture.md)");
    assertEquals(List.of("join", "abandon"), storeCalls);
  }

  @Test
  void aRefusedMatchDeliveryFailsGoneAndAFailActionFailsTheStep() throws Exception {
    Throwable refused = SocketLoopTest.on(loop, () -> actions.run(link, link.call().matchDelivered(match("s1"), 0)))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(5, TimeUnit.SECONDS);
    assertEquals(ErrorCode.GONE, Failures.map(refused).code(), "not searching: the matchmaker undoes the match");
    Throwable failed = SocketLoopTest.on(loop, () -> actions.run(link, List.of(CallAction.send("{\"type\":\"x\"}"),
            CallAction.fail(ErrorCode.NOT_IN_SESSION), CallAction.send("{\"type\":\"never\"}"))))
        .transform(ar -> Future.succeededFuture(ar.cause())).await(5, TimeUnit.SECONDS);
    assertEquals(ErrorCode.NOT_IN_SESSION, Failures.map(failed).code());
    assertEquals(List.of("x"), link.types(), "actions after a FAIL are not carried out");
  }

  @Test
  void leaveAndEndCallReachTheMatchmakerAndTheStore() throws Exception {
    joinAnswers.add(JoinReply.matched(match("s1")));
    onLoop(join());
    onLoop(() -> actions.run(link, link.call().endCall("s1")));
    assertEquals(List.of("queued", "matched", "call-ended"), link.types());
    assertTrue(storeCalls.contains("endCall"), storeCalls.toString());
    joinAnswers.add(JoinReply.queued());
    onLoop(join());
    onLoop(() -> actions.run(link, link.call().leave()));
    assertEquals("leave", storeCalls.get(storeCalls.size() - 1));
  }

  /** A socket that records what is written and runs its ordered steps one after another. */
  private static final class FakeLink implements ClientLink {
    final List<String> sent = new CopyOnWriteArrayList<>();
    private final CallState call = new CallState();
    private volatile Future<Void> tail = Future.succeededFuture();

    List<String> types() {
      return sent.stream().map(f -> new JsonObject(f).getString("type")).toList();
    }

    Future<Void> settled() {
      return tail;
    }

    @Override
    public Identity identity() {
      return new Identity("alice", "Alice", "dev-a", Long.MAX_VALUE / 2000);
    }

    @Override
    public String connId() {
      return "conn-a";
    }

    @Override
    public CallState call() {
      return call;
    }

    @Override
    public void send(String frame) {
      sent.add(frame);
    }

    @Override
    public void renew(Identity id) {}

    @Override
    public void inOrder(Supplier<Future<Void>> step) {
      tail = tail.transform(ar -> step.get());
    }

    /** Timers set by the interpreter, with their delays: a test fires them itself. */
    final List<Long> delays = new CopyOnWriteArrayList<>();
    final List<Runnable> timers = new CopyOnWriteArrayList<>();

    @Override
    public void later(long delayMs, Runnable task) {
      delays.add(delayMs);
      timers.add(task);
    }
  }
}
