package io.tandem.gateway.socket;

import io.tandem.gateway.protocol.CloseCodes;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import java.util.function.Consumer;

/**
 * Joins a socket's fragmented WebSocket frames into whole text messages, with a hard limit on the
 * message's size. (Vert.x's own aggregation drops an over-limit message silently and keeps the
 * socket open; here it ends the socket with {@link CloseCodes#TOO_BIG}, 1009.) The limit counts the bytes
 * the gateway actually holds: no compression is negotiated, so nothing inflates behind it.
 */
public final class MessageAssembler {
  private final int hardLimit;
  private final Consumer<String> onText;
  private final Runnable onBinary;
  private final Runnable onTooBig;
  private Buffer partial;
  private boolean binary;

  /**
   * @param hardLimit largest message in bytes
   * @param onText a whole text message
   * @param onBinary a whole binary message (not accepted by the protocol)
   * @param onTooBig a message crossed the limit (the socket must be closed)
   */
  MessageAssembler(int hardLimit, Consumer<String> onText, Runnable onBinary, Runnable onTooBig) {
    this.hardLimit = hardLimit;
    this.onText = onText;
    this.onBinary = onBinary;
    this.onTooBig = onTooBig;
  }

  void handle(WebSocketFrame frame) {
    WebSocketFrameType type = frame.type();
    if (type == WebSocketFrameType.TEXT || type == WebSocketFrameType.BINARY) {
      binary = type == WebSocketFrameType.BINARY;
      partial = null;
      if (frame.isFinal()) {
        if (frame.binaryData().length() > hardLimit) {
          onTooBig.run();
        } else {
          deliver(frame.binaryData());
        }
        return;
      }
      partial = Buffer.buffer().appendBuffer(frame.binaryData());
    } else if (type == WebSocketFrameType.CONTINUATION) {
      if (partial == null) return; // a continuation of nothing: ignored
      partial.appendBuffer(frame.binaryData());
    } else {
      return; // ping, pong, close: handled by Vert.x
    }
    if (partial.length() > hardLimit) {
      partial = null;
      onTooBig.run();
      return;
    }
    if (frame.isFinal()) {
      Buffer whole = partial;
      partial = null;
      deliver(whole);
    }
  }

  private void deliver(Buffer whole) {
    if (binary) onBinary.run();
    else onText.accept(whole.toString(java.nio.charset.StandardCharsets.UTF_8));
  }
}
