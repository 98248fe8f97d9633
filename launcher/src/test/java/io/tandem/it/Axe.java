package io.tandem.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs axe-core (vendored in test resources, {@code axe/axe.min.js}) in a page and returns its WCAG
 * 2.1 A/AA violations as "rule: targets" lines. The script is injected through the driver, not the
 * page, so the page's strict CSP stays as it is.
 */
final class Axe {
  private static final String SOURCE = load();

  private Axe() {}

  private static String load() {
    try (InputStream in = Axe.class.getResourceAsStream("/axe/axe.min.js")) {
      if (in == null) throw new IllegalStateException("axe/axe.min.js missing from the test resources");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<String> violations(Browser b) {
    b.js(SOURCE + "\nreturn true;");
    Object result = ((org.openqa.selenium.JavascriptExecutor) b.driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
            + ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
            + ".catch(e => done(['axe failed: ' + e]));");
    List<String> out = new ArrayList<>();
    if (result instanceof List<?> l) for (Object o : l) out.add(String.valueOf(o));
    return out;
  }
}
