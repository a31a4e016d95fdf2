package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * Managing chats in real headless Chromium, at a desktop's and a phone's width: a URL per chat (reload, back, forward,
 * someone else's link), history that keeps the steps, tokens and cost the live reply showed, Copy, Regenerate and Edit,
 * rename, search, close and delete (confirmed), and a new chat that takes no slot until its first message.
 */
class ConversationsBrowserTest extends BrowserTest {

  private Browser window(String name, String size) {
    return "phone".equals(size) ? browser(name + "-phone", 390, 844) : browser(name, 1280, 800);
  }

  /** The chat list, unfolded on a phone (where it folds away once a chat is chosen). */
  private static void showList(Browser b) {
    WebElement toggle = b.find(".sidebar .panel-toggle");
    if (toggle.isDisplayed() && !"true".equals(toggle.getAttribute("aria-expanded"))) {
      toggle.click();
    }
    b.visible("#session-list");
  }

  /** Chooses an action (rename, close, delete) in the menu of the listed chat with that id. */
  private static void chatAction(Browser b, String sessionId, String action) {
    showList(b);
    String row = ".session-row[data-session-id=\"" + sessionId + "\"]";
    b.click(row + " .session-menu-button");
    b.click(row + " [data-action=\"" + action + "\"]");
  }

  private static String chatInUrl(Browser b) {
    String hash = (String) b.js("return location.hash");
    assertTrue(hash.startsWith("#/chat/"), hash);
    return hash.substring("#/chat/".length());
  }

  private static void urlIs(Browser b, String hash) {
    b.until("the address " + hash, d -> hash.equals(b.js("return location.hash")));
  }

  private static String footer(Browser b) {
    return b.textContains(".msg.assistant[data-status=\"completed\"] .msg-footer", "$");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"desktop", "phone"})
  void aUserKeepsManagesAndFindsTheirChats(String size) throws Exception {
    Api.User other = await(api.signupAndLogin(unique("zed") + "@example.com", unique("other"), "advanced", null));
    String othersChat = await(api.chat(other, "a private matter")).getString("session_id");
    Browser b = window("chats", size);
    b.signUpConfirmAndLogIn(unique("cleo") + "@example.com", PASSWORD, unique("conv"), "advanced", null);

    b.send("first question about owls");
    b.completedReplies(1);
    String first = chatInUrl(b);
    String liveFooter = footer(b);
    String liveSteps = b.textContains(".msg.assistant .steps summary", "Steps (");
    assertTrue(liveFooter.contains("tokens"), liveFooter);

    // a reload opens the same chat, its reply with the same steps, tokens and cost as live
    b.reload();
    b.connected();
    urlIs(b, "#/chat/" + first);
    b.textContains(".msg.user .msg-body", "first question about owls");
    assertEquals(liveFooter, footer(b));
    assertEquals(liveSteps, b.textContains(".msg.assistant .steps summary", "Steps ("));

    // Copy on every message
    b.click(".msg.assistant [data-action=\"copy\"]");
    b.textContains(".msg.assistant [data-action=\"copy\"]", "Copied");
    b.click(".msg.user [data-action=\"copy\"]");
    b.textContains(".msg.user [data-action=\"copy\"]", "Copied");

    // Regenerate: the same question, a new reply in place of the old
    String oldTurn = b.find(".msg.assistant").getAttribute("data-turn-id");
    b.click(".msg.assistant [data-action=\"regenerate\"]");
    b.until("a new reply", d -> {
      var replies = b.all(".msg.assistant[data-status=\"completed\"]");
      return replies.size() == 1 && !oldTurn.equals(replies.get(0).getAttribute("data-turn-id"));
    });
    b.count(".msg.user", 1);
    assertEquals("first question about owls", b.text(".msg.user .msg-body"));

    // Edit: the question changed in place and sent again
    b.click(".msg.user [data-action=\"edit\"]");
    WebElement box = b.visible(".msg.user .msg-edit-input");
    box.sendKeys(Keys.chord(Keys.CONTROL, "a"), "second question about cats", Keys.ENTER);
    b.textContains(".msg.user .msg-body", "second question about cats");
    b.completedReplies(1);
    b.count(".msg.user", 1);
    b.reload();
    b.connected();
    b.textContains(".msg.user .msg-body", "second question about cats");
    b.count(".msg.user", 1);
    b.count(".msg.assistant", 1);

    // a new chat has an address of its own once its first message is sent
    b.click("#new-session");
    urlIs(b, "#/");
    b.send("another chat about dogs");
    b.completedReplies(1);
    String second = chatInUrl(b);
    assertNotEquals(first, second);
    showList(b);
    b.until("the last used chat first", d -> second.equals(b.find(".session-row").getAttribute("data-session-id")));
    b.textContains(".session-row .session-used", "just now");

    // back and forward switch chats
    b.js("history.back()");
    urlIs(b, "#/chat/" + first);
    b.textContains(".msg.user .msg-body", "second question about cats");
    b.js("history.forward()");
    urlIs(b, "#/chat/" + second);
    b.textContains(".msg.user .msg-body", "another chat about dogs");

    // rename
    chatAction(b, second, "rename");
    b.type("#rename-title", "Dog chat");
    b.axeBothSchemes("the rename dialog");
    b.click("#chat-dialog [data-action=\"save\"]");
    b.hidden("#chat-dialog");
    b.textContains("#chat-title", "Dog chat");
    showList(b);
    b.textContains(".session-row[data-session-id=\"" + second + "\"] .session-title", "Dog chat");

    // search: the server finds the chat by a message; the result opens it
    b.type("#chat-search", "CATS");
    b.textContains("#search-results .search-result", "cats");
    b.count("#search-results .search-result", 1);
    b.axe("the chats with search results");
    b.click("#search-results .search-result");
    urlIs(b, "#/chat/" + first);
    b.textContains(".msg.user .msg-body", "second question about cats");

    // close: read-only, still listed
    chatAction(b, first, "close");
    b.textContains("#chat-meta", "Closed");
    b.visible("#readonly-note");
    b.hidden(".msg.assistant [data-action=\"regenerate\"]");
    showList(b);
    b.textContains(".session-row[data-session-id=\"" + first + "\"] .session-status", "Closed");

    // delete, after a confirmation
    chatAction(b, second, "delete");
    b.textContains("#chat-dialog-body", "Dog chat");
    b.axe("the delete confirmation");
    b.click("#chat-dialog [data-action=\"confirm\"]");
    b.hidden("#chat-dialog");
    showList(b);
    b.count(".session-row", 1);

    // someone else's chat: not found, with the user's own list
    b.go("/#/chat/" + othersChat);
    b.textContains(".chat-not-found", "Chat not found");
    b.visible(".session-row[data-session-id=\"" + first + "\"]");
    assertTrue(!b.find("#messages").getText().contains("private matter"));
    assertTrue(noSideways(b), "nothing to scroll sideways");
    assertEquals(java.util.List.of(), ChatBrowserTest.scriptErrors(b));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"desktop", "phone"})
  void onTheBasicPlanANewChatTakesNoSlotAndAClosedOrDeletedOneFreesIt(String size) throws Exception {
    Browser b = window("basic", size);
    String email = unique("dora") + "@example.com";
    String tenant = unique("solo");
    b.signUpConfirmAndLogIn(email, PASSWORD, tenant, "basic", null);
    Api.User u = await(api.login(email, PASSWORD));
    b.send("hello");
    b.completedReplies(1);
    String first = chatInUrl(b);

    // "New chat" only clears the view: no slot is taken
    b.click("#new-session");
    urlIs(b, "#/");
    b.visible("#messages .empty-state");
    JsonObject usage = get("/api/tenants/" + tenant + "/usage", u.idToken());
    assertEquals(1, usage.getInteger("active_sessions"), usage.encode());
    showList(b);
    b.count(".session-row", 1);

    // closing the only chat lets the new one start at once
    chatAction(b, first, "close");
    b.until("the slot to be free", d -> {
      try {
        return get("/api/tenants/" + tenant + "/usage", u.idToken()).getInteger("active_sessions") == 0;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    b.click("#new-session");
    b.send("after closing");
    b.completedReplies(1);
    String second = chatInUrl(b);
    assertNotEquals(first, second);

    // and so does deleting it
    chatAction(b, second, "delete");
    b.click("#chat-dialog [data-action=\"confirm\"]");
    b.hidden("#chat-dialog");
    urlIs(b, "#/");
    b.send("after deleting");
    b.completedReplies(1);
    assertNotEquals(second, chatInUrl(b));
    showList(b);
    b.count(".session-row", 2);
    assertEquals(java.util.List.of(), ChatBrowserTest.scriptErrors(b));
  }

  /** A question sent elsewhere while the page reads a chat's history (read before the turn was stored) stays in the chat. */
  @org.junit.jupiter.api.Test
  void aQuestionAskedElsewhereWhileTheHistoryLoadsIsKept() throws Exception {
    Browser b = window("history-race", "desktop");
    String email = unique("hana") + "@example.com";
    b.signUpConfirmAndLogIn(email, PASSWORD, unique("org"), "premium", null);
    Api.User u = await(api.login(email, PASSWORD));
    b.send("the first chat");
    b.completedReplies(1);
    String first = chatInUrl(b);
    b.click("#new-session");
    b.send("the second chat");
    b.until("the second chat's address", d -> !("#/chat/" + first).equals(b.js("return location.hash")));
    b.completedReplies(1);
    // the next history answer reaches the page only when the test lets it through
    b.js("""
        const gate = new Promise((r) => { window.openHistory = r; });
        const real = window.fetch;
        window.historyHeld = false;
        window.fetch = async (...args) => {
          const res = await real(...args);
          if (!window.historyHeld && String((args[0] && args[0].url) || args[0]).includes('/messages')) {
            window.historyHeld = true;
            await gate;
          }
          return res;
        };""");
    b.click("#session-list [data-session-id=\"" + first + "\"]");
    b.until("the history read and held", d -> Boolean.TRUE.equals(b.js("return window.historyHeld")));
    var reply = await(api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", first).put("message", "asked elsewhere meanwhile")));
    assertEquals(200, reply.statusCode(), reply.bodyAsString());
    b.js("document.querySelectorAll('#messages > *').forEach((e) => { e.dataset.beforeHistory = ''; }); window.openHistory();");
    b.until("the history shown", d -> Boolean.TRUE.equals(b.js(
        "return !document.querySelector('#messages [data-before-history]') && document.querySelectorAll('#messages .msg.user').length > 0")));
    assertEquals(java.util.List.of("the first chat", "asked elsewhere meanwhile"), ChatPage.userTexts(b));
    b.completedReplies(2);
  }
}
