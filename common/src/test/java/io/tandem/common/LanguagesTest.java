package io.tandem.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanguagesTest {
  private static String refused(Object value) {
    TandemException e = assertThrows(TandemException.class, () -> Languages.parse(value, "languages"), String.valueOf(value));
    assertEquals(ErrorCode.INVALID_FIELD, e.code());
    assertTrue(e.getMessage().startsWith("languages "), "names the field: " + e.getMessage());
    return e.getMessage();
  }

  @Test
  void knownPrimaryTagsAreKeptInOrderLowerCasedWithoutDuplicates() {
    assertEquals(List.of("es", "en"), Languages.parse(new JsonArray().add("ES").add(" en ").add("es"), "languages"));
    assertEquals(List.of("fil", "pt"), Languages.parse(new JsonArray().add("fil").add("pt"), "languages"));
    assertEquals(List.of(), Languages.parse(null, "languages"));
    assertEquals(List.of(), Languages.parse(new JsonArray(), "languages"));
  }

  @Test
  void everythingElseIsRefusedNamingTheField() {
    refused("es");
    refused(new JsonArray().add(3));
    refused(new JsonArray().add("es-MX"));
    refused(new JsonArray().add("xx"));
    refused(new JsonArray().add("iw"));
    refused(new JsonArray().add(""));
    refused(new JsonArray().add("en").add("es").add("fr").add("de"));
    assertTrue(refused(new JsonArray().add("x".repeat(5000))).length() < 200, "the echo of a bad tag is bounded");
  }

  @Test
  void joinedFormRoundTripsAndDropsWhatIsUnknown() {
    assertEquals("es,en", Languages.join(List.of("es", "en")));
    assertEquals(List.of("es", "en"), Languages.split("es,en"));
    assertEquals(List.of("es"), Languages.split("es,zz,es"));
    assertEquals(List.of(), Languages.split(""));
    assertEquals(List.of(), Languages.split(null));
  }

  @Test
  void theTenShippedPageLanguagesAreKnown() {
    for (String tag : List.of("en", "es", "pt", "fr", "de", "hi", "ar", "ru", "tr", "id")) assertTrue(Languages.KNOWN.contains(tag), tag);
  }
}
