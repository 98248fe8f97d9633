package io.tandem.webclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.it.Browser;
import io.tandem.it.StaticWebServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client's own unit tests (web-client/src/test/webroot/*.test.js, ES modules, no npm) run in the
 * same headless Chromium as the end-to-end tests, served with the strict Content-Security-Policy. Under
 * {@code CI=true} a missing Chromium fails the test; elsewhere it skips with a message.
 */
class WebClientUnitIT {
  static StaticWebServer server;
  static Browser browser;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    server = new StaticWebServer("{\"online\":7,\"waiting\":2}");
    browser = new Browser("unit", false);
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.close();
    if (server != null) server.close();
  }

  @Test
  @SuppressWarnings("unchecked")
  void moduleUnitTestsPass() {
    browser.driver.get("http://127.0.0.1:" + server.port() + "/test/tests.html");
    browser.waitFor("unit tests finish", d -> Boolean.TRUE.equals(browser.js("return !!(window.tandemTests && window.tandemTests.done)")),
        Duration.ofSeconds(20));
    Map<String, Object> r = (Map<String, Object>) browser.js("return window.tandemTests");
    List<Map<String, Object>> failed = (List<Map<String, Object>>) r.get("failed");
    long passed = ((Number) r.get("passed")).longValue();
    System.out.printf("web-client unit tests: %d passed, %d failed%n", passed, failed.size());
    for (Map<String, Object> f : failed) System.out.println("FAILED " + f.get("name") + "\n" + f.get("error"));
    assertEquals(List.of(), failed.stream().map(f -> f.get("name") + ": " + f.get("error")).toList());
    assertTrue(passed >= 10, "the test page registered its tests: " + passed);
    assertEquals(List.of(), browser.consoleErrors(), "no console errors (a CSP violation is one)");
  }

  @Test
  void landingPageLoadsUnderTheStrictContentSecurityPolicy() {
    browser.driver.get("http://127.0.0.1:" + server.port() + "/");
    browser.waitForState("landing");
    assertTrue((Boolean) browser.js("return getComputedStyle(document.getElementById('start')).minHeight === '44px'"),
        "styles.css applied");
    assertEquals(List.of(), browser.consoleErrors(), "no CSP violations or other console errors on the landing page");
  }
}
