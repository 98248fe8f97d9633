package io.tandem.bench.load;

import io.tandem.bench.run.Options;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The floor for a WebSocket relay: a bare Vert.x server (the same vertx-core and server options as
 * the gateway: no compression, no write handlers, one event loop) that forwards every text frame of
 * one socket of a pair to the other, and nothing else. No token, no JSON, no Redis. A socket opens
 * with {@code /relay?pair=<id>}; the first two sockets of an id are partners. Sockets without a
 * pair parameter are simply held (idle connects and memory per socket).
 * <p>
 * Run as its own process by the {@code floors} scenario: {@code BareRelay --port P}; it prints
 * {@code LISTENING <port> <epoll|nio>} and stops when its standard input closes.
 */
public final class BareRelay {
  private BareRelay() {}

  public static void main(String[] args) throws Exception {
    Options o = new Options().declare("port", "0", "port on 127.0.0.1 (0: any free port)")
        .declare("native", "true", "prefer Netty's native epoll transport, as Tandem's services do (NATIVE_TRANSPORT)")
        .parse(java.util.List.of(args));
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(o.bool("native")));
    Map<String, ServerWebSocket[]> pairs = new ConcurrentHashMap<>();
    int port = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
            .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
            .setRegisterWebSocketWriteHandlers(false))
        .webSocketHandler(ws -> relay(ws, pairs))
        .listen(o.integer("port", 0, 65535)).await(30, TimeUnit.SECONDS).actualPort();
    System.out.println("LISTENING " + port + " " + (vertx.isNativeTransportEnabled() ? "epoll" : "nio"));
    System.out.flush();
    // the parent holds our stdin: end of input (or the parent's death) stops the server
    while (System.in.read() >= 0) {
      // nothing else is read
    }
    vertx.close().await(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  static void relay(ServerWebSocket ws, Map<String, ServerWebSocket[]> pairs) {
    String query = ws.query();
    String id = query != null && query.startsWith("pair=") ? query.substring(5) : null;
    if (id == null) return; // an idle socket, held until the client closes it
    ServerWebSocket[] pair = pairs.computeIfAbsent(id, k -> new ServerWebSocket[2]);
    int side;
    synchronized (pair) {
      side = pair[0] == null ? 0 : 1;
      pair[side] = ws;
    }
    ws.textMessageHandler(text -> {
      ServerWebSocket other = pair[1 - side];
      if (other != null) other.writeTextMessage(text);
    });
    ws.closeHandler(v -> pairs.remove(id, pair));
  }
}
