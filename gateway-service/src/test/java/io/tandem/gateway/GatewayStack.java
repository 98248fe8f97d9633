package io.tandem.gateway;

import io.tandem.auth.AuthModule;
import io.tandem.chat.ChatModule;
import io.tandem.common.ServiceModule;
import io.tandem.it.ServiceStack;
import io.tandem.matchmaker.MatchmakerModule;
import java.util.List;
import java.util.Map;

/**
 * The gateway under test with the real services it talks to (auth, matchmaker and chat: test-scoped
 * dependencies of this module) in one Vert.x against a real redis-server, the gateway deployed last as
 * in the launcher.
 */
final class GatewayStack {
  private GatewayStack() {}

  /** Auth, matchmaker, chat and the gateway. */
  static ServiceStack start(Map<String, String> settings) throws Exception {
    return ServiceStack.start(settings, List.of(AuthModule::verticles, MatchmakerModule::verticles, ChatModule::verticles,
        GatewayModule::verticles));
  }

  /** Auth, matchmaker and the gateway: nothing answers on chat's addresses unless the test does. */
  static ServiceStack withoutChat(Map<String, String> settings) throws Exception {
    return ServiceStack.start(settings, List.<ServiceModule>of(AuthModule::verticles, MatchmakerModule::verticles,
        GatewayModule::verticles));
  }
}
