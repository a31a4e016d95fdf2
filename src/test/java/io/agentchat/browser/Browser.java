package io.agentchat.browser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One headless Chromium (Debian's {@code chromium} driven by its {@code chromium-driver}) with a fresh profile, and the
 * few page operations the browser tests need. Every wait polls the page through WebDriver; nothing sleeps.
 */
final class Browser implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Browser.class);
  static final Path CHROMIUM = Path.of(System.getProperty("browser.binary", "/usr/bin/chromium"));
  static final Path DRIVER = Path.of(System.getProperty("browser.driver", "/usr/bin/chromedriver"));
  private static final Duration WAIT = Duration.ofSeconds(20);

  final String name;
  final String baseUrl;
  final ChromeDriver driver;
  /** Where files the page downloads are saved. */
  final Path downloads;
  private final List<String> console = new ArrayList<>();
  private final List<String> requests = new ArrayList<>();

  private Browser(String name, String baseUrl, ChromeDriver driver, Path downloads) {
    this.name = name;
    this.baseUrl = baseUrl;
    this.driver = driver;
    this.downloads = downloads;
  }

  /** Starts a browser; fails (never skips) when Chromium or its driver is missing. */
  static Browser open(String name, String baseUrl, Path profiles, int width, int height) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
      throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + DRIVER
          + "): apt-get install chromium chromium-driver (.ci/run does this)");
    }
    Path profile;
    Path downloads;
    try {
      Files.createDirectories(profiles);
      profile = Files.createTempDirectory(profiles, name + "-").toAbsolutePath();
      downloads = Files.createDirectories(profile.resolve("downloads"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(WAIT);
    return new Browser(name, baseUrl, driver, downloads);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Page operations

  void go(String path) {
    driver.get(baseUrl + path);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Polls {@code condition} until it holds; an element drawn anew between finding and reading it is found again. */
  <T> T until(String what, ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(50)).withMessage(what).ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  /** Waits until the element exists and is shown, and returns it. */
  WebElement visible(String css) {
    return until(css + " to be visible", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  void hidden(String css) {
    until(css + " to be hidden", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.get(0).isDisplayed();
    });
  }

  /** Waits until the text of the element contains {@code part}; returns the whole text. */
  String textContains(String css, String part) {
    return until(css + " to contain \"" + part + "\"", d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      String text = found.isEmpty() ? "" : found.get(0).getText();
      return text.contains(part) ? text : null;
    });
  }

  void count(String css, int n) {
    until(n + " of " + css, d -> d.findElements(By.cssSelector(css)).size() == n);
  }

  String text(String css) {
    return find(css).getText();
  }

  void click(String css) {
    visible(css).click();
  }

  void type(String css, String text) {
    WebElement e = visible(css);
    e.clear();
    e.sendKeys(text);
  }

  void select(String css, String value) {
    new Select(visible(css)).selectByValue(value);
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  void reload() {
    driver.navigate().refresh();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The product's flows

  /** Signs up (a new organisation when {@code invite} is null, else joins {@code tenant} with the code), confirms with the code the
   * development mailbox shows, and logs in. */
  void signUpConfirmAndLogIn(String email, String password, String tenant, String tier, String invite) {
    go("/");
    visible("#login-form");
    click("#tab-signup");
    if (invite == null) {
      click("#signup-mode-new");
      type("#signup-tenant", tenant);
      select("#signup-tier", tier);
    } else {
      click("#signup-mode-join");
      type("#signup-tenant", tenant);
      type("#signup-invite", invite);
    }
    type("#signup-email", email);
    type("#signup-password", password);
    find("#signup-form button[type=submit]").click();
    String shown = textContains("#dev-mailbox-code", "your code is");
    String code = shown.replaceAll("\\D+", "");
    if (!code.equals(find("#confirm-code").getAttribute("value"))) {
      throw new AssertionError("the confirmation code is not filled in: shown \"" + shown + "\"");
    }
    find("#confirm-form button[type=submit]").click();
    visible("#login-form");
    until("the login e-mail to be filled in", d -> email.equals(find("#login-email").getAttribute("value")));
    type("#login-password", password);
    find("#login-form button[type=submit]").click();
    connected();
  }

  /** Waits for the chat view with an open bridge connection. */
  void connected() {
    visible("#main-view");
    until("the bridge connection to open", d -> "open".equals(find("#connection-status").getAttribute("data-state")));
  }

  /** Types a message and sends it with Enter. */
  void send(String message) {
    WebElement input = visible("#message-input");
    until("the composer to be enabled", d -> input.isEnabled());
    input.sendKeys(message);
    input.sendKeys(Keys.ENTER);
  }

  /** Waits until {@code n} assistant replies are completed; returns the text of the last. */
  String completedReplies(int n) {
    count(".msg.assistant[data-status=\"completed\"]", n);
    List<WebElement> replies = all(".msg.assistant[data-status=\"completed\"] .msg-body");
    return replies.get(replies.size() - 1).getText();
  }

  /** Waits for a completely downloaded file whose name ends with {@code suffix}; returns its text. */
  String downloaded(String suffix) {
    Path file = until("a downloaded *" + suffix, d -> {
      try (var files = Files.list(downloads)) {
        return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst().orElse(null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Accessibility

  /** axe-core, installed by npm under src/test/tools (package-lock.json pins its version). */
  static final Path AXE = Path.of("src", "test", "tools", "node_modules", "axe-core", "axe.min.js");
  private static final String AXE_RUN = """
      const done = arguments[arguments.length - 1];
      const rules = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
      // colours still changing (a transition after the colour scheme changed) are measured once they end
      Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => null)))
        .then(() => axe.run(document, { runOnly: { type: 'tag', values: rules }, resultTypes: ['violations'] }))
        .then((r) => done(JSON.stringify(r.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map((n) => n.target.join(' ') + ' (' + (n.failureSummary || '').replace(/\\s+/g, ' ') + ')') })))))
        .catch((e) => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), targets: [] }])));
      """;

  /**
   * Runs axe-core on the page as it is now (WCAG 2.1 A and AA rules) and fails with one line per violation of serious or
   * critical impact: the rule, its impact, the elements and the rule's help. {@code where} names the page or dialog.
   */
  void axe(String where) {
    if (!Boolean.TRUE.equals(js("return typeof window.axe === 'object'"))) {
      try {
        js(Files.readString(AXE));
      } catch (IOException e) {
        throw new UncheckedIOException("axe-core is missing: npm ci in src/test/tools installs it", e);
      }
    }
    JsonArray violations = new JsonArray((String) ((JavascriptExecutor) driver).executeAsyncScript(AXE_RUN));
    if (!violations.isEmpty()) {
      StringBuilder sb = new StringBuilder("accessibility violations on " + where + " (" + name + "):");
      for (Object o : violations) {
        JsonObject v = (JsonObject) o;
        sb.append("\n  ").append(v.getString("id")).append(" [").append(v.getString("impact")).append("] ").append(v.getString("help"));
        v.getJsonArray("targets").forEach(t -> sb.append("\n      ").append(t));
      }
      throw new AssertionError(sb.toString());
    }
  }

  /** Runs {@link #axe} with the system's colour scheme light and then dark; leaves it light. */
  void axeBothSchemes(String where) {
    colourScheme("light");
    axe(where + ", light");
    colourScheme("dark");
    axe(where + ", dark");
    colourScheme("light");
  }

  /** Runs {@code script} in every page this window loads from now on, before the page's own scripts. */
  void onEveryPage(String script) {
    driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
  }

  /** Emulates the system's colour scheme ({@code prefers-color-scheme}: "light" or "dark") and waits until the page follows it. */
  void colourScheme(String scheme) {
    driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    until("the page to follow the " + scheme + " scheme", d -> {
      Object theme = js("const r = document.documentElement.dataset; return r.themeChoice === 'system' ? r.theme : 'chosen'");
      return scheme.equals(theme) || "chosen".equals(theme);
    });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evidence

  /** Console messages of the page so far (kept across calls). */
  List<String> console() {
    for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
      console.add(e.getLevel() + " " + e.getMessage());
    }
    return console;
  }

  /** URLs of every request the page made so far (kept across calls), from Chromium's network log. */
  List<String> requests() {
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject message = new JsonObject(e.getMessage()).getJsonObject("message");
      String method = message.getString("method", "");
      JsonObject params = message.getJsonObject("params");
      if (method.equals("Network.requestWillBeSent")) {
        requests.add(params.getJsonObject("request").getString("url"));
      } else if (method.equals("Network.webSocketCreated")) {
        requests.add(params.getString("url"));
      }
    }
    return requests;
  }

  /** Saves a screenshot and the console log of the page under {@code dir}. */
  void saveEvidence(Path dir, String prefix) {
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve(prefix + "-" + name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
      Files.writeString(dir.resolve(prefix + "-" + name + ".console.log"), String.join("\n", console()) + "\n");
      Files.writeString(dir.resolve(prefix + "-" + name + ".html"), driver.getPageSource());
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not save the browser evidence of {}", name, e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
