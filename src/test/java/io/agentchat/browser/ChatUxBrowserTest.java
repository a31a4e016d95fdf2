package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * How the chat behaves in real headless Chromium: the question of a turn sent elsewhere shown before its reply, the
 * scroll position, the growing composer and its limit, where the focus goes, the keyboard shortcuts and the welcome of
 * an empty chat, at desktop (1280x800) and phone (390x844) widths.
 */
class ChatUxBrowserTest extends BrowserTest {

  /** A user made over HTTP; the page logs in with the form. */
  private static Api.User user(String tier) throws Exception {
    return await(api.signupAndLogin(unique("ux") + "@example.com", unique("ux"), tier, null));
  }

  private Browser loggedIn(String name, Api.User u, int width, int height) {
    Browser b = browser(name, width, height);
    b.go("/");
    b.visible("#login-form");
    b.type("#login-email", u.email());
    b.type("#login-password", Api.PASSWORD);
    b.find("#login-form button[type=submit]").click();
    b.connected();
    return b;
  }

  @Test
  void aQuestionSentFromAnotherTabOrThroughTheApiShowsBeforeItsReplyInEveryTab() throws Exception {
    Api.User u = user("premium");
    Browser a = loggedIn("tab-a", u, 1280, 800);
    a.send("first question");
    a.completedReplies(1);
    String sessionId = ChatPage.openChat(a);
    Browser b = loggedIn("tab-b", u, 1280, 800);
    assertEquals(sessionId, ChatPage.openChat(b));
    b.completedReplies(1);
    ChatPage.watchQuestions(b);

    a.send("second question from tab A");
    b.completedReplies(2);
    assertEquals(List.of("first question", "second question from tab A"), ChatPage.userTexts(b));
    assertEquals(List.of("second question from tab A"), b.js("return window.questionsBefore"), "the question came before its reply");
    a.completedReplies(2);
    assertEquals(List.of("first question", "second question from tab A"), ChatPage.userTexts(a), "the sending tab shows its question once");

    // a turn through the HTTP API while both pages are open
    var reply = api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", "third, from a script"));
    b.completedReplies(3);
    a.completedReplies(3);
    assertEquals(200, await(reply).statusCode());
    for (Browser w : List.of(a, b)) {
      assertEquals(List.of("first question", "second question from tab A", "third, from a script"), ChatPage.userTexts(w), w.name);
    }
    assertEquals(List.of("second question from tab A", "third, from a script"), b.js("return window.questionsBefore"));
    // what the tabs show is what the server stored: a reload shows the same
    b.reload();
    b.connected();
    b.completedReplies(3);
    assertEquals(List.of("first question", "second question from tab A", "third, from a script"), ChatPage.userTexts(b));
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(a));
  }

  @Test
  void streamingLeavesAReaderWhereTheyAreAndJumpToLatestTakesThemDown() throws Exception {
    Api.User u = user("premium");
    Browser b = loggedIn("scroll", u, 1280, 800);
    ChatPage.fillUntilScrollable(b, 400);
    assertTrue(ChatPage.fromBottom(b) < 80, "a finished reply leaves the reader at the end");
    b.hidden("#jump-latest");

    // sending while scrolled up goes down to the new message
    ChatPage.wheelUp(b);
    b.until("the list scrolled up", d -> ChatPage.fromBottom(b) > 300);
    b.send("Tell me a long story");
    b.until("the new message in view", d -> ChatPage.fromBottom(b) < 80);
    b.until("the reply to stream", d -> !b.all(".msg.assistant.streaming .msg-body").isEmpty()
        && b.all(".msg.assistant.streaming .msg-body").get(0).getText().startsWith("I'm"));

    // scrolled up while it streams: the reader stays, the button appears
    ChatPage.wheelUp(b);
    b.visible("#jump-latest");
    long top = (Long) b.js("return Math.round(document.getElementById('messages').scrollTop)");
    String before = b.find(".msg.assistant.streaming .msg-body").getText();
    b.until("more of the reply", d -> {
      var s = b.all(".msg.assistant.streaming .msg-body");
      return s.isEmpty() || s.get(0).getText().length() > before.length() + 20;
    });
    assertEquals(top, (Long) b.js("return Math.round(document.getElementById('messages').scrollTop)"), "streaming moved the reader");
    b.axe("the chat with Jump to latest");
    b.click("#jump-latest");
    b.until("the end of the list", d -> ChatPage.fromBottom(b) < 80);
    b.hidden("#jump-latest");
    focused(b, "message-input", "id");
    b.completedReplies((int) (long) (Long) b.js("return document.querySelectorAll('.msg.user').length"));
    assertTrue(ChatPage.fromBottom(b) < 80, "following the reply to its end");
  }

  @Test
  void theAdminViewGivesTheChatBackWhereItWas() throws Exception {
    Api.User u = user("premium");
    Browser b = loggedIn("admin-back", u, 1280, 800);
    ChatPage.fillUntilScrollable(b, 300);
    // a reply streams while the admin view is open: back in the chat, its end is in view
    int replies = b.all(".msg.assistant").size();
    b.send("Tell me a long story");
    b.until("the reply to stream", d -> !b.all(".msg.assistant.streaming").isEmpty());
    b.click("#admin-open");
    b.visible("#admin-view");
    b.completedReplies(replies + 1);
    b.click("#admin-close");
    b.hidden("#admin-view");
    b.until("the chat at its end again", d -> ChatPage.fromBottom(b) < 80);

    // read further up, away and back: the same place
    b.js("const m = document.getElementById('messages'); m.scrollTop = 100; m.dispatchEvent(new Event('scroll'))");
    b.click("#admin-open");
    b.visible("#admin-view");
    b.click("#admin-close");
    b.hidden("#admin-view");
    b.until("the chat where it was", d -> Math.abs((Long) b.js("return Math.round(document.getElementById('messages').scrollTop)") - 100) <= 2);
  }

  @Test
  void onAPhoneTheKeyboardLeavesTheLatestMessageAndTheComposerInView() throws Exception {
    Api.User u = user("premium");
    Browser b = loggedIn("keyboard", u, 390, 844);
    ChatPage.fillUntilScrollable(b, 200);
    b.find("#message-input").click();
    // the on-screen keyboard takes the lower part of the screen: the visual viewport shrinks
    b.driver.manage().window().setSize(new Dimension(390, 520));
    b.until("the composer and the latest message in view", d -> (Boolean) b.js("""
        const vh = window.visualViewport ? window.visualViewport.height : window.innerHeight;
        const box = document.getElementById('messages').getBoundingClientRect();
        const msgs = document.querySelectorAll('#messages .msg');
        const last = msgs[msgs.length - 1].getBoundingClientRect();
        const composer = document.getElementById('composer').getBoundingClientRect();
        return composer.bottom <= vh + 1 && composer.top >= 0 && last.bottom <= box.bottom + 1 && last.bottom > box.top
            && box.height >= 100 && document.documentElement.scrollTop === 0;
        """));
    assertTrue(ChatPage.fromBottom(b) < 80);
    assertTrue(noSideways(b));
    // the keyboard closes: the usage panel and the chat list are back
    b.js("document.activeElement.blur()");
    b.driver.manage().window().setSize(new Dimension(390, 844));
    b.visible(".quota .panel-toggle");
    b.visible("#new-session");
    b.until("the latest message in view", d -> ChatPage.fromBottom(b) < 80);
  }

  @Test
  void theComposerGrowsSaysHowFarOverTheLimitAMessageIsAndSendsWithEnter() throws Exception {
    for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
      Browser b = loggedIn("composer-" + size[0], user("premium"), size[0], size[1]);
      WebElement input = b.visible("#message-input");
      long oneLine = (Long) b.js("return Math.round(arguments[0].getBoundingClientRect().height)", input);
      input.sendKeys("line one", Keys.chord(Keys.SHIFT, Keys.ENTER), "line two", Keys.chord(Keys.SHIFT, Keys.ENTER), "line three");
      long three = (Long) b.js("return Math.round(arguments[0].getBoundingClientRect().height)", input);
      assertTrue(three > oneLine + 20, "three lines make the box taller: " + oneLine + " -> " + three);
      for (int i = 0; i < 30; i++) {
        input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER), "more");
      }
      long max = (Long) b.js("return Math.round(arguments[0].getBoundingClientRect().height)", input);
      assertTrue((Boolean) b.js("const e = arguments[0]; return e.scrollHeight > e.clientHeight && getComputedStyle(e).overflowY === 'auto'", input),
          "a long text scrolls inside the box");
      assertTrue(max < size[1] * 0.45, "the box stops growing: " + max);
      b.hidden("#composer-limit");

      // over the limit: a line says by how much, and Send says why it is off
      b.js("const e = arguments[0]; e.value = 'x'.repeat(4012); e.dispatchEvent(new Event('input', { bubbles: true }))", input);
      String limit = b.visible("#composer-limit").getText();
      assertTrue(limit.contains("4,000 characters") && limit.contains("12 over"), limit);
      assertFalse(b.find("#send").isEnabled());
      assertEquals("composer-limit", b.find("#send").getAttribute("aria-describedby"));
      assertEquals(limit, b.find("#send").getAttribute("title"));
      input.sendKeys(Keys.ENTER);
      b.count(".msg.user", 0);
      b.js("const e = arguments[0]; e.value = ''; e.dispatchEvent(new Event('input', { bubbles: true }))", input);
      b.hidden("#composer-limit");
      assertTrue(b.find("#send").isEnabled());
      assertTrue((Long) b.js("return Math.round(arguments[0].getBoundingClientRect().height)", input) <= oneLine + 1, "empty again, one line");

      // Shift+Enter is a new line, Enter sends
      input.sendKeys("two", Keys.chord(Keys.SHIFT, Keys.ENTER), "lines");
      input.sendKeys(Keys.ENTER);
      b.textContains(".msg.user .msg-body", "two\nlines");
      b.completedReplies(1);
      assertEquals("", input.getAttribute("value"));
      b.close();
      browsers.remove(b);
    }
  }

  @Test
  void theFocusGoesBackToTheMessageBoxAfterStopAfterAReplyAndAfterSwitchingChats() throws Exception {
    Api.User u = user("premium");
    Browser b = loggedIn("focus", u, 1280, 800);
    b.type("#message-input", "hello");
    b.click("#send"); // the focus leaves the box for the button
    b.completedReplies(1);
    focused(b, "message-input", "id");

    b.send("Write a detailed essay");
    b.until("the reply to stream", d -> !b.all(".msg.assistant.streaming .msg-body").isEmpty());
    b.click("#stop");
    b.count(".msg.assistant[data-status=\"cancelled\"]", 1);
    focused(b, "message-input", "id");

    String first = ChatPage.openChat(b);
    b.click("#new-session");
    b.until("a new chat, not listed until it is sent", d -> ChatPage.currentChat(b) == null);
    b.visible(".empty-state.welcome");
    focused(b, "message-input", "id");
    b.click("#session-list [data-session-id=\"" + first + "\"]");
    b.until("the first chat open", d -> first.equals(ChatPage.openChat(b)));
    b.completedReplies(1);
    focused(b, "message-input", "id");
  }

  @Test
  void keyboardShortcutsStartAChatStopAReplyFocusTheBoxSearchAndListThemselves() throws Exception {
    Api.User u = user("premium");
    Browser b = loggedIn("keys", u, 1280, 800);
    b.send("hello");
    b.completedReplies(1);
    String first = ChatPage.openChat(b);

    // Ctrl+Shift+O: a new chat (not listed until it is sent), its welcome, the box ready
    b.find("#messages").click();
    ChatPage.keys(b, Keys.CONTROL, Keys.SHIFT, "o");
    b.until("a new chat", d -> ChatPage.currentChat(b) == null);
    b.visible(".empty-state.welcome");
    focused(b, "message-input", "id");
    b.click("#session-list [data-session-id=\"" + first + "\"]");
    b.until("the first chat open", d -> first.equals(ChatPage.openChat(b)));

    // "/" (not typing) and Shift+Esc focus the box
    b.find("#messages").click();
    ChatPage.keys(b, "/");
    focused(b, "message-input", "id");
    assertEquals("", b.find("#message-input").getAttribute("value"), "the / is not typed");
    b.find("#new-session").sendKeys(Keys.chord(Keys.SHIFT, Keys.ESCAPE));
    focused(b, "message-input", "id");

    // Esc stops the running reply
    b.send("Write a detailed essay");
    b.until("the reply to stream", d -> !b.all(".msg.assistant.streaming .msg-body").isEmpty());
    b.find("#message-input").sendKeys(Keys.ESCAPE);
    b.count(".msg.assistant[data-status=\"cancelled\"]", 1);

    // Ctrl+K: the chats' search box
    b.find("#messages").click();
    assertEquals("messages", b.js("return document.activeElement.id"));
    ChatPage.keys(b, Keys.CONTROL, "k");
    focused(b, "chat-search", "id");

    // Ctrl+/ and the ? button: the list in a dialog; Escape closes it and gives the focus back
    b.find("#message-input").click();
    ChatPage.keys(b, Keys.CONTROL, "/");
    WebElement dialog = b.visible("#shortcuts-dialog");
    b.axeBothSchemes("the keyboard shortcuts dialog");
    assertEquals("shortcuts-title", dialog.getAttribute("aria-labelledby"));
    assertTrue((Boolean) b.js("return document.getElementById('shortcuts-dialog').open"));
    String list = dialog.getText();
    for (String s : List.of("New chat", "Stop the reply", "Focus the message box", "Search conversations", "Show these shortcuts")) {
      assertTrue(list.contains(s), list);
    }
    assertEquals(List.of(), ChatBrowserTest.unnamedControls(b));
    ChatPage.keys(b, Keys.ESCAPE);
    b.hidden("#shortcuts-dialog");
    focused(b, "message-input", "id");
    assertEquals("Keyboard shortcuts", b.find("#shortcuts-open").getAttribute("aria-label"));
    b.click("#shortcuts-open");
    b.visible("#shortcuts-dialog");
    b.click("#shortcuts-dialog .dialog-head button");
    b.hidden("#shortcuts-dialog");
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(b));
  }

  @Test
  void anEmptyChatWelcomesWithExamplesOfThePlansTools() throws Exception {
    Browser premium = loggedIn("welcome-premium", user("premium"), 1280, 800);
    premium.visible(".empty-state.welcome");
    premium.axeBothSchemes("the welcome of a new chat");
    premium.until("the plan's prompts", d -> premium.all(".example-prompt[data-tool=\"forecast\"]").size() == 1);
    int count = premium.all(".example-prompt").size();
    assertTrue(count >= 3 && count <= 4, "3-4 prompts: " + count);
    premium.count(".example-prompt[data-tool=\"weather\"]", 1);
    String text = premium.find(".example-prompt[data-tool=\"weather\"] .example-text").getText();
    premium.click(".example-prompt[data-tool=\"weather\"]");
    assertEquals(text, premium.find("#message-input").getAttribute("value"));
    focused(premium, "message-input", "id");
    premium.click(".example-prompt[data-tool=\"usage\"]");
    assertEquals(premium.find(".example-prompt[data-tool=\"usage\"] .example-text").getText(), premium.find("#message-input").getAttribute("value"));
    premium.find("#message-input").sendKeys(Keys.ENTER);
    assertTrue(premium.completedReplies(1).contains("message"));
    premium.hidden(".empty-state");
    premium.close();
    browsers.remove(premium);

    // current weather without the forecast
    Browser advanced = loggedIn("welcome-advanced", user("advanced"), 1280, 800);
    advanced.until("the plan's prompts", d -> "weather usage".equals(advanced.js("return document.querySelector('.welcome').dataset.tools")));
    advanced.count(".example-prompt[data-tool=\"weather\"]", 1);
    advanced.count(".example-prompt[data-tool=\"forecast\"]", 0);
    advanced.close();
    browsers.remove(advanced);

    // a plan without the weather tool: no prompt for it (on a phone, fitting its width)
    Browser basic = loggedIn("welcome-basic", user("basic"), 390, 844);
    basic.visible(".empty-state.welcome");
    basic.until("the plan's prompts", d -> "usage".equals(basic.js("return document.querySelector('.welcome').dataset.tools")));
    basic.count(".example-prompt[data-tool=\"weather\"], .example-prompt[data-tool=\"forecast\"]", 0);
    int basicCount = basic.all(".example-prompt").size();
    assertTrue(basicCount >= 3 && basicCount <= 4, "3-4 prompts: " + basicCount);
    assertTrue(noSideways(basic));
    basic.click(".example-prompt[data-tool=\"usage\"]");
    basic.find("#message-input").sendKeys(Keys.ENTER);
    assertTrue(basic.completedReplies(1).contains("message"));
  }
}
