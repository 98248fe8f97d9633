package io.tandem.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Gateway API component replaces the Ingresses with a Gateway and HTTPRoutes serving the same paths. */
class GatewayApiTest {

  @Test
  void theGatewayApiServesTheSameRoutesAsTheIngress() {
    List<Render.Build> builds = Render.buildsWith("gateway-api");
    assertTrue(builds.size() >= 2, "the gateway-api component must be built on base and on production: " + builds);
    List<String> problems = new ArrayList<>();
    for (Render.Build b : builds) {
      if (!b.bundle().all(Ingress.class).isEmpty()) problems.add(b.name() + ": still has Ingresses " + b.bundle().all(Ingress.class).stream().map(UnknownFields::id).toList());
      if (b.bundle().all(Gateway.class).isEmpty()) problems.add(b.name() + ": no Gateway");
      // Every route of the component is served over TLS with a host, in base too.
      problems.addAll(Checks.ingressRoutes(b.bundle(), true));
    }
    assertTrue(problems.isEmpty(), "Gateway API:" + Checks.lines(problems));
  }

  /** The checks can fail: a short /signaling timeout, a route to a missing Service or listener. */
  @Test
  void brokenRoutesAreReported() {
    Bundle good = Render.buildsWith("gateway-api").get(0).bundle();
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : good.objects) {
      HasMetadata c = Manifests.copy(o);
      if (c instanceof HTTPRoute r && r.getMetadata().getName().equals("tandem-signaling")) r.getSpec().getRules().get(0).getTimeouts().setRequest("30s");
      if (c instanceof HTTPRoute r && r.getMetadata().getName().equals("tandem")) {
        r.getSpec().getRules().get(0).getBackendRefs().get(0).setName("auth");
        r.getSpec().getParentRefs().get(0).setSectionName("web");
      }
      objects.add(c);
    }
    List<String> problems = Checks.ingressRoutes(new Bundle("broken", objects), true);
    for (String expected : List.of("at least 3600 s", "Service auth, which is not defined", "listener web", "must route /auth to auth-service")) {
      assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected '" + expected + "' among" + Checks.lines(problems));
    }
    assertEquals(Routes.UNLIMITED, Routes.seconds("0s"));
    assertEquals(5400, Routes.seconds("1h30m"));
    assertEquals(1, Routes.seconds("500ms"));
  }
}
