package io.tandem.chat;

import io.tandem.common.Addresses;
import io.tandem.common.Failures;
import io.tandem.common.MessageType;
import io.tandem.common.msg.ChatRequest;
import io.tandem.common.msg.Delivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Relays chat: cleans and screens the text ({@link Moderation}), stamps the sender's token name and the time, delivers the
 * {@code message} to the peer's gateway node and replies the same payload to the sender's gateway.
 * Nothing is stored and no text is logged.
 */
public final class ChatVerticle extends VerticleBase {
  private final Moderation moderation;
  private MessageConsumer<JsonObject> consumer;

  public ChatVerticle(Moderation moderation) {
    this.moderation = moderation;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().consumer(Addresses.CHAT_SEND, msg -> {
      try {
        ChatRequest req = ChatRequest.fromJson(msg.body());
        String text = ChatText.clean(req.text());
        moderation.check(text);
        JsonObject data = new JsonObject()
            .put("sessionId", req.sessionId())
            .put("message", text)
            .put("sender", req.fromName())
            .put("from", req.fromId())
            .put("ts", System.currentTimeMillis());
        vertx.eventBus().send(Addresses.gatewayNode(req.peer().node()),
            Delivery.relay(req.peer().userId(), req.peer().connId(), MessageType.MESSAGE.wire, data).toJson());
        msg.reply(data);
      } catch (RuntimeException e) {
        Failures.reply(msg, e);
      }
    });
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    // Chat handling is synchronous per message: once unregistered, nothing is left in flight.
    return consumer.unregister();
  }
}
