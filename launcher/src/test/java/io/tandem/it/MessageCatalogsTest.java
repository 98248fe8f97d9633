package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.common.ErrorCode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The web client's message catalogs (webroot/i18n/*.json, as shipped on the classpath in the web-client jar)
 * against the server's error codes and the page's own keys: every {@link ErrorCode} has a sentence in every
 * catalog, every catalog has exactly English's keys (and the same placeholders), and every key the page
 * names statically (index.html's data-i18n attributes, t('...') in its modules) exists.
 */
class MessageCatalogsTest {
  /** The locales the page ships (js/i18n.js LOCALES). */
  static final List<String> SHIPPED = List.of("en", "es", "pt-BR", "fr", "de", "hi", "ar", "ru", "tr", "id");
  static final Set<String> PLURAL_CATEGORIES = Set.of("zero", "one", "two", "few", "many", "other");
  static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

  static String resource(String path) throws IOException {
    try (InputStream in = MessageCatalogsTest.class.getClassLoader().getResourceAsStream("webroot/" + path)) {
      assertNotNull(in, "webroot/" + path + " is on the classpath (the web-client jar)");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Map<String, JsonObject> catalogs() throws IOException {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (String tag : SHIPPED) out.put(tag, new JsonObject(resource("i18n/" + tag + ".json")));
    return out;
  }

  @Test
  void theModuleShipsExactlyTheseLocales() throws IOException {
    Matcher m = Pattern.compile("\\{ tag: '([^']+)'").matcher(resource("js/i18n.js"));
    List<String> tags = new ArrayList<>();
    while (m.find()) tags.add(m.group(1));
    assertEquals(SHIPPED, tags, "js/i18n.js LOCALES");
  }

  @Test
  void everyErrorCodeHasASentenceInEveryCatalog() throws IOException {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, JsonObject> c : catalogs().entrySet()) {
      for (ErrorCode code : ErrorCode.values()) {
        Object v = c.getValue().getValue("error." + code.code);
        boolean ok = v instanceof String s ? !s.isBlank() : v instanceof JsonObject o && o.getString("other") != null;
        if (!ok) missing.add(c.getKey() + ": error." + code.code);
      }
    }
    assertEquals(List.of(), missing, "a sentence per server error code in each catalog (the page shows it for that code)");
  }

  @Test
  void everyCatalogHasEnglishsKeysAndPlaceholders() throws IOException {
    Map<String, JsonObject> all = catalogs();
    JsonObject en = all.get("en");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonObject> c : all.entrySet()) {
      JsonObject cat = c.getValue();
      for (String k : en.fieldNames()) if (!cat.containsKey(k)) problems.add(c.getKey() + " lacks " + k);
      for (String k : cat.fieldNames()) {
        if (!en.containsKey(k)) { problems.add(c.getKey() + " has " + k + ", which English has not"); continue; }
        Object v = cat.getValue(k);
        if (v instanceof JsonObject forms) {
          if (forms.getString("other") == null) problems.add(c.getKey() + " " + k + ": no \"other\" plural form");
          for (String f : forms.fieldNames()) if (!PLURAL_CATEGORIES.contains(f)) problems.add(c.getKey() + " " + k + ": " + f);
        } else if (!(v instanceof String s) || s.isBlank()) {
          problems.add(c.getKey() + " " + k + ": neither a text nor plural forms");
        }
        if (!placeholders(v).equals(placeholders(en.getValue(k)))) {
          problems.add(c.getKey() + " " + k + ": placeholders " + placeholders(v) + " vs English " + placeholders(en.getValue(k)));
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void everyKeyThePageNamesExists() throws IOException {
    JsonObject en = catalogs().get("en");
    Set<String> named = new TreeSet<>();
    Matcher html = Pattern.compile("data-i18n=\"([^\"]+)\"|data-i18n-attr=\"([^\"]+)\"").matcher(resource("index.html"));
    while (html.find()) {
      if (html.group(1) != null) named.add(html.group(1));
      else for (String pair : html.group(2).split(";")) named.add(pair.split(":")[1].trim());
    }
    Path js = StaticWebServer.WEBROOT.resolve("js");
    try (Stream<Path> files = Files.list(js)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".js")).toList()) {
        Matcher m = Pattern.compile("\\bt\\('([a-zA-Z.-]+)'").matcher(Files.readString(f));
        while (m.find()) named.add(m.group(1));
      }
    }
    assertTrue(named.size() > 100, "the scan found the page's keys: " + named.size());
    List<String> missing = named.stream().filter(k -> !en.containsKey(k)).toList();
    assertEquals(List.of(), missing, "keys the page names that English lacks (they would show as raw keys)");
  }

  /**
   * A control's accessible name contains its visible label (WCAG 2.5.3, axe's label-content-name-mismatch), in
   * every language: [aria-label key, visible label key] of the call's controls.
   */
  static final List<List<String>> NAME_CONTAINS_LABEL = List.of(
      List.of("controls.muteAria", "controls.mute"), List.of("controls.cameraOffAria", "controls.cameraOff"),
      List.of("controls.nextAria", "controls.next"), List.of("controls.stopAria", "controls.stop"),
      List.of("report.title", "controls.report"));

  @Test
  void everyControlsAccessibleNameContainsItsVisibleLabel() throws IOException {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, JsonObject> c : catalogs().entrySet()) {
      java.util.Locale locale = java.util.Locale.forLanguageTag(c.getKey());
      for (List<String> pair : NAME_CONTAINS_LABEL) {
        String name = c.getValue().getString(pair.get(0)).toLowerCase(locale);
        String label = c.getValue().getString(pair.get(1)).toLowerCase(locale);
        if (!name.contains(label)) problems.add(c.getKey() + ": \"" + name + "\" does not contain \"" + label + "\"");
      }
    }
    assertEquals(List.of(), problems);
  }

  static Set<String> placeholders(Object v) {
    Set<String> out = new TreeSet<>();
    Matcher m = PLACEHOLDER.matcher(String.valueOf(v instanceof JsonObject o ? o.encode() : v));
    while (m.find()) out.add(m.group(1));
    return out;
  }
}
