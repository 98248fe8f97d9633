package io.tandem.chat;

import io.tandem.common.ServiceRunner;

/** Runs a chat-service replica alone, joined to the cluster. */
public final class ChatMain {
  private ChatMain() {}

  public static void main(String[] args) {
    ServiceRunner.run("chat-service", ChatModule::verticles);
  }
}
