package io.tandem.deploy;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void loads() {
    System.out.println(new KubernetesSerialization().unmarshal("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n").getClass());
    System.out.println(com.fasterxml.jackson.annotation.JsonProperty.class.getProtectionDomain().getCodeSource().getLocation());
    System.out.println(com.fasterxml.jackson.databind.ObjectMapper.class.getProtectionDomain().getCodeSource().getLocation());
  }
}
