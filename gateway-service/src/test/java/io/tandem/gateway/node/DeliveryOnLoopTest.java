package io.tandem.gateway.node;

import io.tandem.gateway.socket.Registry;

import io.tandem.gateway.protocol.MatchedFrame;
import io.tandem.gateway.protocol.CloseCodes;
import io.tandem.gateway.socket.Connection;
import io.tandem.gateway.socket.SocketLoop;
import io.tandem.gateway.socket.SocketLoopTest;
import io.tandem.gateway.steps.ActionInterpreter;
import io.tandem.gateway.token.Identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.Addresses;
import io.tandem.common.msg.Delivery;
import io.tandem.common.msg.Wishes;
import io.tandem.common.msg.MatchInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A delivery from the event bus reaches the node's consumer on the node's context, and is carried
 * out on the connection's own loop: the match (and its reply), a relayed frame, a kick.
 */
class DeliveryOnLoopTest {
  private static final String NODE = "node-under-test";
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** What was done to the socket, and on which thread. */
  record Write(String what, Thread thread) {}

  /** A server socket that records writes and closes with their thread (nothing else is used here). */
  static ServerWebSocket recordingSocket(List<Write> writes) {
    return (ServerWebSocket) Proxy.newProxyInstance(DeliveryOnLoopTest.class.getClassLoader(), new Class<?>[] {ServerWebSocket.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "writeTextMessage" -> {
            writes.add(new Write(new JsonObject((String) args[0]).getString("type"), Thread.currentThread()));
            yield Future.succeededFuture();
          }
          case "close" -> {
            writes.add(new Write("close " + (args != null && args.length > 0 ? args[0] : ""), Thread.currentThread()));
            yield Future.succeededFuture();
          }
          case "isClosed" -> false;
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "recording socket";
          default -> null;
        });
  }

  private static void awaitWrites(List<Write> writes, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (writes.size() < n && System.nanoTime() < deadline) Thread.sleep(10);
    assertEquals(n, writes.size(), "writes " + writes);
  }

  @Test
  void busDeliveriesRunOnTheConnectionsLoop() throws Exception {
    List<Context> contexts = SocketLoopTest.contexts(vertx, 2, ThreadingModel.EVENT_LOOP);
    Context nodeContext = contexts.get(0);
    Context socketContext = contexts.get(1);
    Thread nodeThread = SocketLoopTest.on(nodeContext, Thread::currentThread);
    Thread socketThread = SocketLoopTest.on(socketContext, Thread::currentThread);
    assertNotEquals(nodeThread, socketThread, "the node and the socket are on different loops");

    Registry registry = new Registry();
    ActionInterpreter actions = new ActionInterpreter(vertx.eventBus(), new DeliveryOptions(), NODE, null, new MatchedFrame(new JsonArray(), null));
    DeliveryRouter router = SocketLoopTest.on(nodeContext, () -> new DeliveryRouter(vertx.eventBus(), NODE, registry, actions));
    router.ready().await(5, TimeUnit.SECONDS);

    List<Write> writes = new CopyOnWriteArrayList<>();
    SocketLoop loop = new SocketLoop(socketContext, 1);
    Identity alice = new Identity("alice", "Alice", "device-a", System.currentTimeMillis() / 1000 + 300);
    Connection c = new Connection(vertx, loop, recordingSocket(writes), alice, "ip-a", "conn-a", null, null, null, 4096);
    SocketLoopTest.on(socketContext, () -> {
      c.call().join(Wishes.interests(List.of())); // searching
      return registry.put(c);
    });

    MatchInfo match = new MatchInfo("session-1", "bob", MatchInfo.CALLER, "Bob", NODE, "conn-b", List.of(), "device-b", "");
    vertx.eventBus().request(Addresses.gatewayNode(NODE), new Delivery("alice", "conn-a", Delivery.MATCH, match.toJson()).toJson())
        .await(5, TimeUnit.SECONDS);
    awaitWrites(writes, 1);
    assertEquals("matched", writes.get(0).what());

    JsonObject offer = new JsonObject().put("sessionId", "session-1").put("from", "bob")
        .put("offer", new JsonObject().put("type", "offer").put("sdp", "v=0"));
    vertx.eventBus().send(Addresses.gatewayNode(NODE), Delivery.relay("alice", "conn-a", "offer", offer).toJson());
    awaitWrites(writes, 2);
    assertEquals("offer", writes.get(1).what());

    vertx.eventBus().send(Addresses.gatewayNode(NODE), new Delivery("alice", "conn-a", Delivery.KICK, new JsonObject()).toJson());
    awaitWrites(writes, 3);
    assertEquals("close " + CloseCodes.REPLACED, writes.get(2).what());

    for (Write w : writes) assertEquals(socketThread, w.thread(), w.what() + " ran on " + w.thread().getName());

    // a match for a socket this node does not have is refused at once, on the node's context
    ReplyException gone = assertThrows(ReplyException.class, () -> vertx.eventBus()
        .request(Addresses.gatewayNode(NODE), new Delivery("alice", "conn-old", Delivery.MATCH, match.toJson()).toJson())
        .await(5, TimeUnit.SECONDS));
    assertTrue(gone.getMessage().contains("gone"), gone.getMessage());
  }
}
