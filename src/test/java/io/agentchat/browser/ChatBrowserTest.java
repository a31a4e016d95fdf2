package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;

/** A person's path through the pages: sign up, confirm, log in, chat, stop, reload, limits; in real headless Chromium. */
class ChatBrowserTest extends BrowserTest {

  /** The weather service these tests point at refuses connections: every weather lookup fails. */
  @org.junit.jupiter.api.BeforeAll
  static void startApp() throws Exception {
    startApp(c -> c.getJsonObject("agent").getJsonObject("weather").put("forecastBaseUrl", "http://127.0.0.1:9")
        .put("geocodingBaseUrl", "http://127.0.0.1:9").put("timeoutMs", 2000));
  }

  @Test
  void aFailedToolCallShowsAsFailedInTheStepsAndIsNotBilledAsAToolAction() throws Exception {
    Browser b = browser("failed-tool", 1280, 800);
    String tenant = unique("wx");
    b.signUpConfirmAndLogIn(unique("wes") + "@example.com", PASSWORD, tenant, "premium", null);
    b.send("What's the weather in Lisbon?");
    b.completedReplies(1);
    b.click(".msg.assistant .steps summary");
    b.textContains(".msg.assistant .steps .step-failed", "Failed: weather");
    String turnId = b.find(".msg.assistant").getAttribute("data-turn-id");
    List<io.agentchat.store.UsageEvent> events = await(app.store().usage().turnEvents(tenant, turnId));
    assertFalse(events.isEmpty(), "the turn is metered");
    assertTrue(events.stream().noneMatch(e -> e.kind() == io.agentchat.store.UsageKind.TOOL_ACTION), "a failed lookup is no tool action: " + events);
    b.axe("a reply with a failed step");
  }

  @Test
  void newOrganisationSignsUpConfirmsLogsInAndSeesTheReplyStreamIn() {
    Browser b = browser("owner");
    String email = unique("ann") + "@example.com";
    String tenant = unique("acme");
    b.signUpConfirmAndLogIn(email, PASSWORD, tenant, "premium", null);
    assertEquals(tenant, b.text("#user-tenant"));
    assertEquals("Premium", b.text("#user-tier"));
    b.textContains("#quota-daily .meter-value", "0 / 1,000");

    b.send("Tell me a long story");
    // the reply is seen part-way: streaming, with some but not all of its text
    String partial = b.until("a part of the reply", d -> {
      var streaming = b.all(".msg.assistant.streaming .msg-body");
      String text = streaming.isEmpty() ? "" : streaming.get(0).getText();
      return text.startsWith("I'm the offline agent") ? text : null;
    });
    String full = b.completedReplies(1);
    assertTrue(full.startsWith(partial) && full.length() > partial.length(),
        () -> "streamed \"" + partial + "\" then \"" + full + "\"");
    assertTrue(full.endsWith("chunk by chunk."), full);
    // the quota panel follows the bridge's quota push
    b.textContains("#quota-daily .meter-value", "1 / 1,000");
    b.textContains("#quota-sessions .meter-value", "1 / 10");
    b.textContains("#usage-cost", "$");

    // everything the page loaded came from the server itself (chrome:// pages are the browser's own)
    String ws = baseUrl.replace("http://", "ws://");
    List<String> external = b.requests().stream().filter(u -> u.matches("(?i)(https?|wss?|ftp)://.*"))
        .filter(u -> !u.startsWith(baseUrl + "/") && !u.startsWith(ws + "/")).toList();
    assertTrue(b.requests().stream().anyMatch(u -> u.startsWith(baseUrl + "/vendor/") || u.startsWith(baseUrl + "/js/")), b.requests()::toString);
    assertEquals(List.of(), external);
    assertEquals(List.of(), scriptErrors(b));
  }

  @Test
  void reloadKeepsTheUserSignedInWithTheConversation() {
    Browser b = browser("reload");
    String email = unique("bob") + "@example.com";
    b.signUpConfirmAndLogIn(email, PASSWORD, unique("beta"), "advanced", null);
    b.send("hello there");
    String reply = b.completedReplies(1);

    b.reload();
    b.connected();
    assertEquals(email, b.text("#user-email"));
    assertEquals(reply, b.completedReplies(1));
    b.textContains(".msg.user .msg-body", "hello there");
    // and the restored page still chats
    b.send("and again");
    b.completedReplies(2);

    // tokens live in this tab's sessionStorage only, and logging out removes them
    assertEquals(0L, b.js("return window.localStorage.length"));
    assertTrue((Long) b.js("return window.sessionStorage.length") > 0);
    b.click("#logout");
    b.visible("#login-form");
    assertEquals(0L, b.js("return window.sessionStorage.length"));
    b.reload();
    b.visible("#login-form");
  }

  @Test
  void everyControlHasANameAndTheAdminTabsWorkFromTheKeyboard() {
    Browser b = browser("a11y");
    b.go("/");
    b.visible("#login-form");
    assertEquals(List.of(), unnamedControls(b));
    b.axeBothSchemes("sign-in");
    b.click("#forgot-open");
    b.visible("#forgot-form");
    b.axe("forgot password");
    b.go("/");
    b.visible("#login-form");
    b.click("#tab-signup");
    assertEquals(List.of(), unnamedControls(b));
    b.axeBothSchemes("sign-up");
    b.signUpConfirmAndLogIn(unique("fay") + "@example.com", PASSWORD, unique("zeta"), "premium", null);
    assertEquals(List.of(), unnamedControls(b));
    b.send("hello");
    b.completedReplies(1);
    b.axeBothSchemes("chat");
    b.click("#settings-open");
    b.visible("#settings-dialog");
    b.axeBothSchemes("settings dialog");
    b.click("#settings-close");
    b.hidden("#settings-dialog");
    b.click("#admin-open");
    b.visible("#admin-panel-overview");
    assertEquals(List.of(), unnamedControls(b));
    for (String tab : List.of("overview", "trend", "models", "turns", "members", "budgets", "keys", "audit", "monitor")) {
      b.click("#admin-tab-" + tab);
      b.visible("#admin-panel-" + tab);
      b.until("the " + tab + " tab loaded", d -> b.js("return document.querySelector('#admin-view [aria-busy=true]') === null"));
      b.axeBothSchemes("admin " + tab);
    }
    b.click("#admin-tab-overview");
    // arrow keys move between the tabs (one tab stop for the tab list)
    b.find("#admin-tab-overview").sendKeys(Keys.ARROW_RIGHT);
    b.visible("#admin-panel-trend");
    assertEquals("true", b.find("#admin-tab-trend").getAttribute("aria-selected"));
    assertEquals("admin-tab-trend", b.js("return document.activeElement.id"));
    b.find("#admin-tab-trend").sendKeys(Keys.END);
    b.visible("#admin-panel-monitor");
    assertEquals(List.of(), unnamedControls(b));
    // Escape leaves the admin view
    b.find("#admin-tab-monitor").sendKeys(Keys.ESCAPE);
    b.hidden("#admin-view");
  }

  /** Visible form controls and buttons without an accessible name (label, aria-label(ledby), text or title). */
  @SuppressWarnings("unchecked")
  static List<String> unnamedControls(Browser b) {
    return (List<String>) b.js("""
        const named = (id) => id && document.getElementById(id) && document.getElementById(id).textContent.trim();
        return [...document.querySelectorAll('input, select, textarea, button')]
          .filter(e => e.type !== 'hidden' && e.getClientRects().length > 0)
          .filter(e => !((e.labels && [...e.labels].some(l => l.textContent.trim()))
              || (e.getAttribute('aria-label') || '').trim()
              || (e.getAttribute('aria-labelledby') || '').split(' ').some(named)
              || (e.tagName === 'BUTTON' && e.textContent.trim())
              || (e.getAttribute('title') || '').trim()))
          .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : ''));
        """);
  }

  @Test
  void droppedConnectionReconnectsWithoutLosingTheConversation() {
    Browser b = browser("drop");
    // keeps the page's WebSockets within reach, to drop them as a broken network would
    b.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
        (() => {
          const Native = window.WebSocket;
          window.testSockets = [];
          window.WebSocket = class extends Native {
            constructor(...args) { super(...args); window.testSockets.push(this); }
          };
        })();
        """));
    b.signUpConfirmAndLogIn(unique("gus") + "@example.com", PASSWORD, unique("eta"), "premium", null);
    b.send("hello");
    b.completedReplies(1);
    b.send("Tell me a long story");
    b.until("the long reply to stream", d -> !b.all(".msg.assistant.streaming").isEmpty());
    b.js("window.testSockets.forEach(s => s.close())");
    b.until("a new connection", d -> (Long) b.js("return window.testSockets.length") >= 2
        && "open".equals(b.find("#connection-status").getAttribute("data-state")));
    // the server ends (and meters) a turn whose client went away; after the reconnect the page shows what it kept
    b.count(".msg.assistant[data-status=\"cancelled\"], .msg.assistant[data-status=\"completed\"]", 2);
    String kept = b.all(".msg.assistant .msg-body").get(1).getText();
    assertTrue(kept.startsWith("I'm"), kept);
    assertEquals("hello", b.all(".msg.user .msg-body").get(0).getText());
    b.completedReplies(1);
    b.send("still there?");
    b.until("the third reply", d -> b.all(".msg.assistant[data-status=\"completed\"]").size() == 3
        || b.all(".msg.assistant[data-status=\"cancelled\"]").size() == 1 && b.all(".msg.assistant[data-status=\"completed\"]").size() == 2);
  }

  @Test
  void stopButtonStopsALongReply() {
    Browser b = browser("stop");
    b.signUpConfirmAndLogIn(unique("cat") + "@example.com", PASSWORD, unique("gamma"), "premium", null);
    b.send("Write a detailed essay");
    b.until("the reply to start", d -> !b.all(".msg.assistant.streaming .msg-body").isEmpty()
        && b.find(".msg.assistant .msg-body").getText().startsWith("I'm the offline agent"));
    b.click("#stop");
    b.count(".msg.assistant[data-status=\"cancelled\"]", 1);
    b.hidden("#stop");
    String kept = b.text(".msg.assistant .msg-body");
    assertFalse(kept.endsWith("chunk by chunk."), "the whole reply arrived despite the stop: " + kept);
    b.textContains(".msg.assistant .msg-footer", "Stopped");
    // the stopped turn counts as a message; the composer works again
    b.textContains("#quota-daily .meter-value", "1 / 1,000");
    b.send("hello");
    b.completedReplies(1);
  }

  @Test
  void hittingTheDailyLimitShowsTheQuotaMessage() {
    Browser b = browser("quota");
    b.signUpConfirmAndLogIn(unique("dan") + "@example.com", PASSWORD, unique("delta"), "basic", null);
    for (int i = 1; i <= BASIC_DAILY; i++) {
      b.send("message " + i);
      b.completedReplies(i);
    }
    b.textContains("#quota-daily .meter-value", BASIC_DAILY + " / " + BASIC_DAILY);
    b.send("one more");
    String banner = b.textContains("#error-banner .banner-text", "You've used all " + BASIC_DAILY + " messages for today");
    assertTrue(banner.contains("midnight UTC"), banner);
    assertEquals("quota_exceeded", b.find("#error-banner").getAttribute("data-code"));
    b.count(".msg.assistant[data-status=\"completed\"]", BASIC_DAILY);
  }

  @Test
  void phoneWidthNeedsNoSidewaysScrolling() {
    Browser b = browser("phone", 390, 844);
    b.signUpConfirmAndLogIn(unique("eve") + "@example.com", PASSWORD, unique("epsilon"), "premium", null);
    b.send("hello");
    b.completedReplies(1);
    String noSideways = "return document.documentElement.scrollWidth <= window.innerWidth";
    assertTrue((Boolean) b.js(noSideways), "the page is wider than the phone");
    // the header keeps the connection state and both buttons on one line
    assertEquals(b.find("#admin-open").getLocation().getY(), b.find("#logout").getLocation().getY());
    // the usage panel folds away on a phone and opens with its toggle
    b.click(".quota .panel-toggle");
    b.visible("#quota-daily");
    // the admin pages too
    b.click("#admin-open");
    b.textContains("#admin-status", "Report for");
    assertTrue((Boolean) b.js(noSideways + " && document.getElementById('admin-view').scrollWidth <= window.innerWidth"),
        "the admin view is wider than the phone");
  }

  /** Console errors other than the refused requests a test provokes on purpose. */
  static List<String> scriptErrors(Browser b) {
    return b.console().stream().filter(l -> l.startsWith("SEVERE") && !l.contains("Failed to load resource")).toList();
  }
}
