package io.tandem.gateway;

import io.tandem.common.ServiceRunner;

/** Runs one gateway node alone, joined to the cluster. */
public final class GatewayMain {
  private GatewayMain() {}

  public static void main(String[] args) {
    ServiceRunner.run("gateway-service", GatewayModule::verticles);
  }
}
