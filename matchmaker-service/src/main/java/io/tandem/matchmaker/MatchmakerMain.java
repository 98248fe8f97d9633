package io.tandem.matchmaker;

import io.tandem.common.ServiceRunner;

/** Runs a matchmaker replica alone, joined to the cluster. */
public final class MatchmakerMain {
  private MatchmakerMain() {}

  public static void main(String[] args) {
    ServiceRunner.run("matchmaker-service", MatchmakerModule::verticles);
  }
}
