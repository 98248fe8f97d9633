package io.tandem.auth;

import io.tandem.common.ServiceRunner;

/** Runs auth-service alone, joined to the cluster. */
public final class AuthMain {
  private AuthMain() {}

  public static void main(String[] args) {
    ServiceRunner.run("auth-service", AuthModule::verticles);
  }
}
