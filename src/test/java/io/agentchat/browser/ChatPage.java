package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.interactions.WheelInput;

/** What the chat behaviour tests read and do on the chat page: the open chat, the messages, the scroll position, keys. */
final class ChatPage {
  private ChatPage() {
  }

  /** The chat open in the list now, or null (a new chat is not in the list until its first message is sent). */
  static String currentChat(Browser b) {
    return (String) b.js("const e = document.querySelector('#session-list [data-session-id][aria-current=\"true\"]'); return e ? e.dataset.sessionId : null");
  }

  static String openChat(Browser b) {
    return b.until("a chat to be open", d -> (String) b.js(
        "const e = document.querySelector('#session-list [data-session-id][aria-current=\"true\"]'); return e ? e.dataset.sessionId : null"));
  }

  /** Records, for each assistant bubble added to the list, the text of the user message just before it. */
  static void watchQuestions(Browser b) {
    b.js("""
        window.questionsBefore = [];
        new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach((n) => {
          if (n.classList && n.classList.contains('assistant')) {
            const prev = n.previousElementSibling;
            window.questionsBefore.push(prev && prev.classList.contains('user') ? prev.querySelector('.msg-body').textContent : null);
          }
        }))).observe(document.getElementById('messages'), { childList: true });
        """);
  }

  static List<?> userTexts(Browser b) {
    return (List<?>) b.js("return [...document.querySelectorAll('#messages .msg.user .msg-body')].map(e => e.textContent)");
  }

  /** Distance of the message list from its end, in pixels. */
  static long fromBottom(Browser b) {
    return (Long) b.js("const m = document.getElementById('messages'); return Math.round(m.scrollHeight - m.scrollTop - m.clientHeight)");
  }

  /** Sends messages until the list is taller than its window by at least {@code px}. */
  static void fillUntilScrollable(Browser b, int px) {
    int n = 0;
    while ((Long) b.js("const m = document.getElementById('messages'); return m.scrollHeight - m.clientHeight") < px && n < 8) {
      b.send("message number " + (++n) + ", tell me about yourself");
      b.completedReplies(n);
    }
    assertTrue(n < 8, "the list never grew taller than its window");
  }

  static void wheelUp(Browser b) {
    new Actions(b.driver).scrollFromOrigin(WheelInput.ScrollOrigin.fromElement(b.find("#messages")), 0, -5000).perform();
  }

  /** Presses the last key with the others (modifiers) held, on whatever has the focus. */
  static void keys(Browser b, CharSequence... keys) {
    Actions a = new Actions(b.driver);
    for (int i = 0; i < keys.length - 1; i++) {
      a.keyDown(keys[i]);
    }
    a.sendKeys(keys[keys.length - 1]);
    for (int i = keys.length - 2; i >= 0; i--) {
      a.keyUp(keys[i]);
    }
    a.perform();
  }
}
