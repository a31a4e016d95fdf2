package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.App;
import io.agentchat.support.Api;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the browser tests: one real deployment of the application per class (embedded defaults, a small daily limit
 * on the basic tier, paced offline replies so streaming can be watched), and headless Chromium windows per test. When a
 * test fails, each of its windows leaves a screenshot, its console log and the page's HTML under
 * {@code target/browser-failures/} ({@code -Dbrowser.screenshots=true} keeps them of passing tests too, under
 * {@code target/browser-screenshots/}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class BrowserTest {
  static final String PASSWORD = "correct horse battery";
  /** Messages per day on the basic tier of these tests. */
  static final int BASIC_DAILY = 3;
  private static final Path EVIDENCE = Path.of("target", "browser-failures");
  private static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
  private static final Path PROFILES = Path.of("target", "browser-profiles");
  private static final AtomicInteger IDS = new AtomicInteger();

  @TempDir
  static Path dataDir;
  static Vertx vertx;
  static App app;
  static Api api;
  static String baseUrl;

  final List<Browser> browsers = new ArrayList<>();

  @RegisterExtension
  final AfterTestExecutionCallback evidence = this::saveEvidenceOnFailure;

  @BeforeAll
  static void startApp() throws Exception {
    startApp(config -> { });
  }

  /** Starts the application with the configuration of these tests, changed by {@code customize} (a class hiding {@link #startApp()}). */
  static void startApp(Consumer<JsonObject> customize) throws Exception {
    JsonObject tiers = new JsonObject(Files.readString(Path.of("conf", "tiers.json")));
    tiers.getJsonObject("basic").put("daily_messages", BASIC_DAILY);
    Path tiersFile = dataDir.resolve("tiers.json");
    Files.writeString(tiersFile, tiers.encodePrettily());
    JsonObject config = TestApp.config(dataDir.resolve("store"));
    config.getJsonObject("tiers").put("file", tiersFile.toString());
    // paced replies, so a reply is seen arriving in parts and a long one can be stopped
    config.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 25);
    customize.accept(config);
    vertx = Vertx.vertx();
    app = await(TestApp.start(vertx, config));
    api = new Api(vertx, app.httpPort());
    baseUrl = "http://127.0.0.1:" + app.httpPort();
  }

  @AfterAll
  static void stopApp() throws Exception {
    if (api != null) {
      api.close();
    }
    if (app != null) {
      await(app.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
    browsers.clear();
  }

  /** A desktop-sized window. */
  Browser browser(String name) {
    return browser(name, 1280, 900);
  }

  Browser browser(String name, int width, int height) {
    Browser b = Browser.open(name, baseUrl, PROFILES, width, height);
    browsers.add(b);
    return b;
  }

  /** A fresh e-mail address and organisation id, so the tests of a class do not meet each other. */
  static String unique(String prefix) {
    return prefix + IDS.incrementAndGet() + Long.toString(System.nanoTime() % 1_000_000, 36);
  }

  /** Waits for a future from the test thread (never an event loop). */
  static <T> T await(Future<T> future) throws Exception {
    return future.await(60, TimeUnit.SECONDS);
  }

  /** The body of a GET with the user's ID token, asserting 200. */
  static JsonObject get(String path, String idToken) throws Exception {
    var res = await(api.get(path, idToken));
    assertEquals(200, res.statusCode(), () -> path + ": " + res.bodyAsString());
    return res.bodyAsJsonObject();
  }

  /** Waits until the focused element's {@code property} (id, dataset.keyId...) is {@code expected}. */
  static void focused(Browser b, String expected, String property) {
    b.until("the focus on " + property + " " + expected, d -> expected.equals(b.js("return document.activeElement." + property)));
  }

  /** Whether the page fits the window's width (and the admin view its own): nothing to scroll sideways. */
  static boolean noSideways(Browser b) {
    return (Boolean) b.js("const a = document.getElementById('admin-view');"
        + " return document.documentElement.scrollWidth <= window.innerWidth && (a.hidden || a.scrollWidth <= a.clientWidth)");
  }

  /** On failure (or always, with {@code -Dbrowser.screenshots=true}) each window leaves its evidence. */
  private void saveEvidenceOnFailure(ExtensionContext context) throws IOException {
    boolean failed = context.getExecutionException().isPresent();
    if (!failed && !Boolean.getBoolean("browser.screenshots")) {
      return;
    }
    String prefix = context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName();
    for (Browser b : browsers) {
      b.saveEvidence(failed ? EVIDENCE : SCREENSHOTS, prefix);
    }
  }
}
