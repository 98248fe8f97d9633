package io.tandem.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tandem.launcher.Launcher;
import io.tandem.launcher.LocalRedis;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The page in each shipped language (issue 26), in real Chromium against the one-command launcher: every
 * locale renders the landing and the call screen on a 360×740 phone with no missing key, no raw key on
 * screen and no clipped or overflowing control; Arabic is right to left (mirrored controls, videos not);
 * axe-core finds nothing in Arabic and in Spanish; and one real call runs between an Arabic and a Spanish page.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class I18nBrowserIT {
  static final List<String> LOCALES = MessageCatalogsTest.SHIPPED;
  static Launcher launcher;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    Browser.requireChromium();
    port = LocalRedis.freePort();
    launcher = Launcher.start(Map.of("GATEWAY_PORT", Integer.toString(port)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (launcher != null) launcher.close();
  }

  /** Keys the page's catalog lacked since its language was set (js/i18n.js missingKeys()). */
  @SuppressWarnings("unchecked")
  static List<String> missingKeys(Browser b) {
    Object r = ((JavascriptExecutor) b.driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
        + "import('/js/i18n.js').then((m) => done(m.missingKeys()), (e) => done(['import failed: ' + e]));");
    return (List<String>) r;
  }

  /** Text on screen (or in an accessible name, placeholder or title) that is a raw key or an unfilled {placeholder}. */
  @SuppressWarnings("unchecked")
  static List<String> rawKeys(Browser b) {
    return (List<String>) b.js("""
        const keyLike = /^[a-z][a-zA-Z]*(\\.[a-zA-Z-]+)+$/;
        const hole = /\\{[a-zA-Z]+\\}/;
        const bad = (s) => !!s && (keyLike.test(s.trim()) || hole.test(s));
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
          const n = walker.currentNode;
          if (n.parentElement && n.parentElement.closest('noscript, script')) continue;
          if (bad(n.nodeValue)) out.push(n.nodeValue.trim());
        }
        for (const e of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
          for (const a of ['aria-label', 'placeholder', 'title']) if (bad(e.getAttribute(a))) out.push(a + '=' + e.getAttribute(a));
        }
        if (bad(document.title)) out.push('document.title=' + document.title);
        return out;""");
  }

  /**
   * Controls and labels under `root` that are clipped (content wider than the box: scrollWidth > clientWidth),
   * stick out of the viewport or out of their container, plus sideways scrolling of the whole page.
   */
  @SuppressWarnings("unchecked")
  static List<String> layoutProblems(Browser b, String root) {
    return (List<String>) b.js("""
        const root = document.querySelector(arguments[0]);
        const vw = document.documentElement.clientWidth;
        const out = [];
        if (document.documentElement.scrollWidth > window.innerWidth) {
          out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
        }
        const name = (e) => e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '');
        // visually hidden labels (1×1 px, clipped on purpose for screen readers) are not on screen
        const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1 && !e.closest('[hidden]')
            && getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none'; };
        const sel = 'button, select, .btn, .chip, label, h1, h2, #status, #status-hint, .topbar, .lang-switch, .field-help, small';
        for (const e of root.querySelectorAll(sel)) {
          if (!shown(e) || getComputedStyle(e).display === 'inline') continue;
          if (e.closest('.sr-only')) continue;
          const r = e.getBoundingClientRect();
          const text = (e.innerText || e.value || '').trim().slice(0, 40);
          if (e.scrollWidth > e.clientWidth + 1) out.push(name(e) + ' clipped (' + e.scrollWidth + ' > ' + e.clientWidth + '): ' + text);
          if (r.left < -1 || r.right > vw + 1) out.push(name(e) + ' outside the viewport [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']: ' + text);
          const p = e.parentElement;
          if (p && e.matches('button, select, .btn') && getComputedStyle(e).position !== 'absolute') {
            const pr = p.getBoundingClientRect();
            if (r.left < pr.left - 1 || r.right > pr.right + 1) out.push(name(e) + ' sticks out of ' + name(p) + ': ' + text);
          }
        }
        return out;""", root);
  }

  /** Opens the page with a language chosen on the landing before (localStorage), as a returning visitor would. */
  static void openIn(Browser b, String tag) {
    b.driver.get("http://localhost:" + port + "/");
    b.js("localStorage.setItem('tandem.lang', arguments[0]); localStorage.removeItem('tandem.languages');", tag);
    b.driver.get("http://localhost:" + port + "/");
    waitTranslated(b);
  }

  /** The page's texts are in (index.html's own lang="en" and state "landing" are there before the script runs). */
  static void waitTranslated(Browser b) {
    b.waitFor("page translated", d -> Boolean.TRUE.equals(b.js("return document.documentElement.hasAttribute('data-i18n-ready')")));
    b.waitForState("landing");
  }

  static String attr(Browser b, String script) {
    return String.valueOf(b.js("return " + script));
  }

  @Test
  @Order(1)
  void everyLanguageRendersTheLandingAndTheCallScreenOnAPhone() throws Exception {
    List<String> problems = new ArrayList<>();
    try (Browser phone = new Browser("i18n-phone", false, "phone:360,740")) {
      for (String tag : LOCALES) {
        openIn(phone, tag);
        assertEquals(tag, attr(phone, "document.documentElement.lang"), "<html lang>");
        assertEquals(tag.equals("ar") ? "rtl" : "ltr", attr(phone, "document.documentElement.dir"), tag + " <html dir>");
        assertEquals(tag, attr(phone, "document.getElementById('lang-switch').value"), "the switch shows the language");
        assertEquals(1L, phone.js("return document.querySelectorAll('#langs-list [data-tag]').length"), "one language by default");
        assertEquals(tag.split("-")[0], attr(phone, "document.querySelector('#langs-list [data-tag]').dataset.tag"),
            "the page's language is the default spoken one");
        for (String p : layoutProblems(phone, "body")) problems.add(tag + " landing: " + p);
        System.out.printf("i18n: %s texts in at %s ms, first contentful paint at %s ms (loaded: %s)%n", tag,
            phone.js("const m = performance.getEntriesByName('tandem-i18n-ready')[0]; return m ? Math.round(m.startTime) : null"),
            phone.js("const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? Math.round(p.startTime) : null"),
            phone.js("return performance.getEntriesByType('resource').filter((e) => e.name.includes('/i18n/')).map((e) => e.name.split('/').pop()).join(' ')"));
        phone.screenshot(Path.of("target", "e2e", "i18n", tag + "-landing.png"));

        // the call screen: Start with text only (no camera), searching in the queue of the real server
        phone.type("#name", "Ana");
        phone.type("#age", "30");
        phone.driver.findElement(By.cssSelector("#text-only-start")).click();
        phone.driver.findElement(By.cssSelector("#start")).click();
        phone.waitForState("searching");
        phone.waitFor("placeholder text", d -> !phone.driver.findElement(By.cssSelector("#remote-placeholder")).getText().isBlank());
        for (String p : layoutProblems(phone, "#call")) problems.add(tag + " call: " + p);
        for (String id : List.of("#next", "#stop", "#report", "#mute-mic", "#mute-cam", "#chat-input", "#chat-send")) {
          if (!phone.driver.findElement(By.cssSelector(id)).isDisplayed()) problems.add(tag + " call: " + id + " not shown");
        }
        phone.screenshot(Path.of("target", "e2e", "i18n", tag + "-searching.png"));
        for (String k : missingKeys(phone)) problems.add(tag + ": missing key " + k);
        for (String k : rawKeys(phone)) problems.add(tag + ": raw text on screen " + k);
        phone.driver.findElement(By.cssSelector("#stop")).click();
        phone.waitForState("landing");
        for (String k : missingKeys(phone)) problems.add(tag + " (after Stop): missing key " + k);
        System.out.printf("i18n: %s landing and call screen checked at 360x740%n", tag);
      }
      assertEquals(List.of(), phone.consoleErrors(), "no console errors in any language");
    }
    assertEquals(List.of(), problems, "missing keys, raw keys or clipped controls at 360×740");
  }

  @Test
  @Order(2)
  void theBrowsersLanguagePicksThePageAndTheSwitchChangesIt() throws Exception {
    try (Browser b = new Browser("i18n-browser-lang", false, "1280,800", List.of(), "pt-PT,en")) {
      b.open(port);
      waitTranslated(b);
      assertEquals("pt-BR", attr(b, "document.documentElement.lang"), "pt-PT → the Portuguese shipped (pt-BR)");
      String startPt = b.driver.findElement(By.cssSelector("#start")).getText();
      new Select(b.driver.findElement(By.cssSelector("#lang-switch"))).selectByValue("de");
      b.waitFor("German", d -> "de".equals(attr(b, "document.documentElement.lang")));
      assertEquals("Videochat starten", b.driver.findElement(By.cssSelector("#start")).getText());
      assertTrue(!startPt.equals("Videochat starten") && !startPt.isBlank(), startPt);
      assertEquals("de", attr(b, "localStorage.getItem('tandem.lang')"), "the choice is remembered");
      assertEquals("de", attr(b, "document.querySelector('#langs-list [data-tag]').dataset.tag"), "spoken languages follow the page until edited");
      b.driver.navigate().refresh();
      waitTranslated(b);
      assertEquals("de", attr(b, "document.documentElement.lang"), "after a reload too");
      assertEquals(List.of(), missingKeys(b));
    }
  }

  @Test
  @Order(3)
  void arabicIsRightToLeftAndAxeFindsNothingInArabicAndSpanish() throws Exception {
    try (Browser b = new Browser("i18n-axe", false, "phone:360,740")) {
      for (String tag : List.of("ar", "es")) {
        openIn(b, tag);
        assertEquals(List.of(), Axe.violations(b), tag + ": axe-core violations on the landing page");
        b.type("#name", "Ana");
        b.type("#age", "30");
        b.driver.findElement(By.cssSelector("#text-only-start")).click();
        b.driver.findElement(By.cssSelector("#start")).click();
        b.waitForState("searching");
        assertEquals(List.of(), Axe.violations(b), tag + ": axe-core violations on the call screen");
        if (tag.equals("ar")) assertMirrored(b);
        b.driver.findElement(By.cssSelector("#stop")).click();
        b.waitForState("landing");
      }
    }
  }

  /** The call screen in Arabic: laid out right to left (controls start on the right, self-view on the left), videos not mirrored. */
  static void assertMirrored(Browser b) {
    assertEquals("rtl", attr(b, "getComputedStyle(document.getElementById('call')).direction"));
    double mic = ((Number) b.js("return document.getElementById('mute-mic').getBoundingClientRect().left")).doubleValue();
    double stop = ((Number) b.js("return document.getElementById('stop').getBoundingClientRect().left")).doubleValue();
    assertTrue(mic > stop, "the first control (Mute) is on the right in RTL: mute " + mic + " vs stop " + stop);
    double self = ((Number) b.js("const r = document.getElementById('local-wrap').getBoundingClientRect(); return r.left + r.width / 2")).doubleValue();
    double remote = ((Number) b.js("const r = document.querySelector('.remote-wrap').getBoundingClientRect(); return r.left + r.width / 2")).doubleValue();
    assertTrue(self < remote, "the self-view sits in the left corner in RTL");
    assertEquals("none", attr(b, "getComputedStyle(document.getElementById('remote-video')).transform"), "the stranger's video is not mirrored");
    assertEquals("matrix(-1, 0, 0, 1, 0, 0)", attr(b, "getComputedStyle(document.getElementById('local-video')).transform"),
        "the self-view stays a mirror, as in every language");
  }

  /**
   * Both pages open in their browser's language; the first adds Spanish to the languages it speaks (the second
   * speaks Spanish by default, its page being Spanish) and waits; the second starts; both are connected.
   */
  static void meetSpeakingSpanishToo(Browser first, String firstName, Browser second, String secondName) {
    first.open(port);
    second.open(port);
    waitTranslated(first);
    waitTranslated(second);
    new Select(first.driver.findElement(By.cssSelector("#langs-add"))).selectByValue("es");
    assertEquals(1L, first.js("return document.querySelectorAll('#langs-list [data-tag]').length"), "choosing alone adds nothing");
    first.driver.findElement(By.cssSelector("#langs-add-button")).click();
    first.waitFor("two languages", d -> ((Number) first.js("return document.querySelectorAll('#langs-list [data-tag]').length")).intValue() == 2);
    first.start(firstName, 27, null);
    first.waitForState("searching");
    second.start(secondName, 31, null);
    first.waitForState("connected");
    second.waitForState("connected");
  }

  /** An Arabic page on a phone and a Spanish page on a desktop in a real call: every text in its own language. */
  @Test
  @Order(4)
  void aRealCallBetweenAnArabicAndASpanishPage() throws Exception {
    try (Browser alia = new Browser("Alia", true, "phone:360,740", List.of(), "ar,en");
        Browser bruno = new Browser("Bruno", true, "1280,800", List.of(), "es,en")) {
      meetSpeakingSpanishToo(alia, "علياء", bruno, "Bruno");
      assertEquals("ar", attr(alia, "document.documentElement.lang"));
      assertEquals("es", attr(bruno, "document.documentElement.lang"));
      assertEquals("[\"ar\",\"es\"]", attr(alia, "localStorage.getItem('tandem.languages')"), "Alia's languages remembered");
      for (Browser x : new Browser[] {alia, bruno}) x.waitForRemoteVideoPlaying();
      assertTrue(bruno.driver.findElement(By.cssSelector("#peer-name")).getText().contains("علياء"), "an Arabic name on the Spanish page");
      assertTrue(bruno.driver.findElement(By.cssSelector("#status-hint")).getText().contains("Estás hablando con"),
          bruno.driver.findElement(By.cssSelector("#status-hint")).getText());
      WebElement input = bruno.driver.findElement(By.cssSelector("#chat-input"));
      input.sendKeys("¡Hola!");
      input.sendKeys(Keys.ENTER);
      alia.waitFor("chat line arrives", d -> !d.findElements(By.cssSelector("#chat-log .msg.theirs")).isEmpty());
      WebElement q = alia.waitFor("call-quality indicator", d -> {
        WebElement e = d.findElement(By.cssSelector("#quality"));
        return e.isDisplayed() && e.getAttribute("data-level") != null ? e : null;
      });
      // named in Arabic for its level (loopback is good unless this machine is too busy for the fake camera's frame rate)
      String level = q.getAttribute("data-level");
      String word = Map.of("good", "جيد", "fair", "مقبول", "poor", "ضعيف").get(level);
      assertTrue(q.getAttribute("aria-label").startsWith("الاتصال " + word + ": "), level + ": " + q.getAttribute("aria-label"));
      assertTrue(q.getAttribute("aria-label").contains("مباشر"), "direct, in Arabic: " + q.getAttribute("aria-label"));
      assertMirrored(alia);
      assertEquals(List.of(), layoutProblems(alia, "#call"), "the Arabic call screen on a phone");
      for (Browser x : new Browser[] {alia, bruno}) {
        assertEquals(List.of(), missingKeys(x), x.label + ": missing keys in a call");
        assertEquals(List.of(), rawKeys(x), x.label + ": raw keys in a call");
        assertEquals(List.of(), Axe.violations(x), x.label + ": axe-core violations in a call");
        assertEquals(List.of(), x.consoleErrors(), x.label + ": console errors");
      }
      double badge = ((Number) alia.js("return document.getElementById('peer-name').getBoundingClientRect().right")).doubleValue();
      double stage = ((Number) alia.js("return document.querySelector('.remote-wrap').getBoundingClientRect().right")).doubleValue();
      assertTrue(stage - badge < 40, "the stranger's name badge sits in the right corner in RTL, a Latin name too: " + badge + " vs " + stage);
      Path shot = halfSize(alia.screenshot(Path.of("target", "e2e", "phone-call-ar-2x.png")), Path.of("target", "e2e", "phone-call-ar.png"));
      bruno.screenshot(Path.of("target", "e2e", "connected-call-es.png"));
      System.out.println("i18n: screenshot of an Arabic call on a phone: " + shot.toAbsolutePath());
    }
  }

  /** A copy at half the size (the phone screenshots are taken at pixel ratio 2), small enough for the README. */
  static Path halfSize(Path in, Path out) throws Exception {
    java.awt.image.BufferedImage src = javax.imageio.ImageIO.read(in.toFile());
    java.awt.image.BufferedImage dst = new java.awt.image.BufferedImage(src.getWidth() / 2, src.getHeight() / 2,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = dst.createGraphics();
    g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, dst.getWidth(), dst.getHeight(), null);
    g.dispose();
    javax.imageio.ImageIO.write(dst, "png", out.toFile());
    return out;
  }

  /**
   * matched.commonLanguage (issue 26 item 2): two pages that share a language see it named in their own
   * language. Needs the server's side (languages in join-queue and the token request, commonLanguage in matched).
   */
  @Test
  @Order(5)
  void theCallNamesTheLanguageBothSpeakInEachPagesLanguage() throws Exception {
    try (Browser fr = new Browser("Fleur", true, "1280,800", List.of(), "fr,en");
        Browser es = new Browser("Sofia", true, "1280,800", List.of(), "es,en")) {
      meetSpeakingSpanishToo(fr, "Fleur", es, "Sofia");
      fr.waitFor("the shared language named in French", d -> fr.driver.findElement(By.cssSelector("#status-hint")).getText()
          .contains("Vous parlez tous les deux espagnol."), Duration.ofSeconds(5));
      es.waitFor("the shared language named in Spanish", d -> es.driver.findElement(By.cssSelector("#status-hint")).getText()
          .contains("Los dos hablan español."), Duration.ofSeconds(5));
    }
  }
}
