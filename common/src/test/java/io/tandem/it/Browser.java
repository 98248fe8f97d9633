package io.tandem.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/** One headless Debian Chromium with a fake camera, driven by Selenium through /usr/bin/chromedriver. */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Duration WAIT = Duration.ofSeconds(30);

  public final ChromeDriver driver;
  public final String label;

  /** Fails under CI=true when Chromium is missing; skips with a message elsewhere. */
  public static void requireChromium() {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("CI=true but " + CHROMIUM + " / " + CHROMEDRIVER + " are missing: apt-get install chromium chromium-driver");
    }
    Assumptions.assumeTrue(present, "Browser tests skipped: install Debian's chromium and chromium-driver to run them");
  }

  public Browser(String label, boolean allowMedia) throws Exception {
    this(label, allowMedia, "1280,800");
  }

  public Browser(String label, boolean allowMedia, String windowSize) throws Exception {
    this(label, allowMedia, windowSize, List.of());
  }

  /** With extra Chromium switches (e.g. which test certificates to accept). */
  public Browser(String label, boolean allowMedia, String windowSize, List<String> extraArgs) throws Exception {
    this(label, allowMedia, windowSize, extraArgs, ENGLISH);
  }

  /** The browser's languages (navigator.languages) unless a test asks for others: the page then speaks English. */
  public static final String ENGLISH = "en-US,en";

  /** With the browser's preferred languages, e.g. "es,en" (headless Chromium ignores --lang; this is its pref). */
  public Browser(String label, boolean allowMedia, String windowSize, List<String> extraArgs, String acceptLanguages) throws Exception {
    this.label = label;
    Path profile = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chromium-" + label + "-");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    List<String> args = new ArrayList<>(List.of("--headless=new", "--no-sandbox", "--use-fake-device-for-media-stream",
        "--allow-loopback-in-peer-connection", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--no-first-run", "--disable-gpu",
        "--autoplay-policy=no-user-gesture-required", "--window-size=" + (windowSize.startsWith("phone:") ? "800,900" : windowSize),
        "--user-data-dir=" + profile));
    args.add(allowMedia ? "--use-fake-ui-for-media-stream" : "--deny-permission-prompts");
    args.addAll(extraArgs);
    o.addArguments(args);
    o.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    o.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguages));
    if (windowSize.startsWith("phone:")) {
      String[] wh = windowSize.substring(6).split(",");
      o.setExperimentalOption("mobileEmulation", Map.of("deviceMetrics",
          Map.of("width", Integer.parseInt(wh[0]), "height", Integer.parseInt(wh[1]), "pixelRatio", 2.0, "touch", true)));
    }
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
        .withLogFile(new File("target", "chromedriver-" + label + ".log")).build();
    this.driver = new ChromeDriver(service, o);
  }

  public Browser open(int port) {
    driver.get("http://localhost:" + port + "/");
    return this;
  }

  /** Fills the landing form and presses Start. */
  public Browser start(String name, int age, String interests) {
    type("#name", name);
    type("#age", Integer.toString(age));
    if (interests != null) type("#interests", interests);
    driver.findElement(By.cssSelector("#start")).click();
    return this;
  }

  public void type(String css, String text) {
    WebElement e = driver.findElement(By.cssSelector(css));
    e.clear();
    e.sendKeys(text);
  }

  public String state() {
    return driver.findElement(By.cssSelector("#status")).getDomAttribute("data-state");
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  public <T> T waitFor(String what, Function<WebDriver, T> condition) {
    return waitFor(what, condition, WAIT);
  }

  public <T> T waitFor(String what, Function<WebDriver, T> condition, Duration timeout) {
    try {
      return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).until(condition);
    } catch (RuntimeException e) {
      throw new AssertionError(label + ": " + what + " (state=" + safeState() + ")", e);
    }
  }

  /**
   * Waits inside the page (a timer there checks {@code condition}, a JS expression, every
   * {@value #IN_PAGE_POLL_MS} ms) instead of asking over WebDriver every 50 ms: nothing outside the page
   * runs while it waits, so a timing measured by the page is not slowed by the test's own polling.
   */
  public void awaitInPage(String what, String condition, Duration timeout) {
    driver.manage().timeouts().scriptTimeout(timeout);
    try {
      Object ok = ((JavascriptExecutor) driver).executeAsyncScript(
          "const done = arguments[arguments.length - 1];"
          + "const check = () => { let v = false; try { v = !!(" + condition + "); } catch (e) { v = false; }"
          + "  if (v) done(true); else setTimeout(check, " + IN_PAGE_POLL_MS + "); };"
          + "check();");
      if (!Boolean.TRUE.equals(ok)) throw new AssertionError(label + ": " + what + ": page answered " + ok);
    } catch (RuntimeException e) {
      throw new AssertionError(label + ": " + what + " (state=" + safeState() + ")", e);
    }
  }

  /** How often {@link #awaitInPage} checks its condition inside the page. */
  public static final int IN_PAGE_POLL_MS = 25;

  public void waitForState(String state) {
    waitFor("state " + state, d -> state.equals(state()));
  }

  private String safeState() {
    try {
      return state();
    } catch (RuntimeException e) {
      return "?";
    }
  }

  /** Waits until the remote video has frames and its time advances. */
  public void waitForRemoteVideoPlaying() {
    waitFor("remote video has frames", d -> ((Number) js("return document.getElementById('remote-video').videoWidth")).intValue() > 0);
    double t0 = ((Number) js("return document.getElementById('remote-video').currentTime")).doubleValue();
    waitFor("remote video time advances", d -> ((Number) js("return document.getElementById('remote-video').currentTime")).doubleValue() > t0 + 0.3);
  }

  /** Every console line since the last call to this or {@link #consoleErrors()} (WebDriver hands each line out once). */
  public List<String> consoleLines() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) out.add(e.getMessage());
    return out;
  }

  public List<String> consoleErrors() {
    List<String> out = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) out.add(e.getMessage());
    }
    return out;
  }

  public Path screenshot(Path to) throws Exception {
    Files.createDirectories(to.getParent());
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    return Files.write(to, png);
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } catch (RuntimeException ignored) {
      // already gone
    }
  }
}
