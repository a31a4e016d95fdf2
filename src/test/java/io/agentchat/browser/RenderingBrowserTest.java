package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How replies and amounts look in real headless Chromium: Markdown tables and highlighted code blocks (the offline agent
 * answers a message about a table or code with fixed Markdown), one money format with the exact amount in a tooltip,
 * the colour schemes, and the layout of the admin view and the error banner on a desktop and a phone.
 */
class RenderingBrowserTest extends BrowserTest {
  private static final String REPLY = ".msg.assistant[data-status=\"completed\"] .msg-body";

  @Test
  void aTableAndHighlightedCodeWithItsLabelAndAWorkingCopy() {
    Browser b = signedIn("desktop", 1280, 800, "basic");
    b.send("Show me a table");
    b.completedReplies(1);
    String table = REPLY + " .table-wrap table";
    assertEquals(4, b.all(table + " thead th").size());
    assertEquals(3, b.all(table + " tbody tr").size());
    assertEquals("align-center", b.find(table + " thead th:nth-child(2)").getAttribute("class"));
    assertEquals("align-right", b.find(table + " tbody tr:first-child td:nth-child(4)").getAttribute("class"));
    assertEquals("Lisbon", b.text(table + " tbody tr:first-child td:first-child strong"));
    assertEquals("fjords", b.text(table + " tbody tr:nth-child(2) td:nth-child(3) code"));

    // a code block is drawn while its reply still streams, and completes with it
    b.send("Some code, please");
    b.visible(".msg.assistant.streaming .code-block");
    b.completedReplies(2);
    String python = ".msg.assistant:last-child .code-block[data-language=\"python\"]";
    assertEquals("python", b.text(python + " .code-lang"));
    assertEquals("true", b.find(python).getAttribute("data-highlighted"));
    assertEquals("def", b.text(python + " code .hljs-keyword"));
    String code = b.text(python + " code");
    assertTrue(code.contains("return f\"Hello, {name}! <b>not bold</b>\""), code);
    assertTrue(b.all(python + " code b").isEmpty(), "the model's markup became HTML");
    String plain = ".msg.assistant:last-child .code-block:not([data-language])";
    assertEquals("text", b.text(plain + " .code-lang"));
    assertEquals("false", b.find(plain).getAttribute("data-highlighted"));
    assertTrue(b.all(plain + " code span").isEmpty(), "plain code is highlighted");

    // Copy puts the code on the clipboard and says so
    b.driver.executeCdpCommand("Browser.grantPermissions", Map.of("origin", baseUrl,
        "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    b.click(python + " .code-copy");
    b.textContains(python + " .code-copy", "Copied");
    Object clipboard = b.driver.executeAsyncScript("const done = arguments[0]; navigator.clipboard.readText().then(done, (e) => done('error ' + e));");
    assertEquals(b.find(python + " code").getAttribute("textContent"), clipboard);
    b.textContains(python + " .code-copy", "Copy");

    b.axeBothSchemes("a reply with a table and code");
  }

  @Test
  void longCodeAndWideTablesScrollInsideTheirBoxOnAPhone() {
    Browser b = signedIn("phone", 390, 844, "basic");
    b.send("code");
    b.completedReplies(1);
    b.send("table");
    b.completedReplies(2);
    String pre = ".code-block:not([data-language]) pre";
    assertTrue((Boolean) b.js("const p = document.querySelector(arguments[0]); return p.scrollWidth > p.clientWidth + 50", pre),
        "the long line does not scroll inside its block");
    assertTrue((Boolean) b.js("const p = document.querySelector(arguments[0]).getBoundingClientRect(); return p.right <= window.innerWidth", pre),
        "the code block is wider than the phone");
    assertTrue(noSideways(b), "the page scrolls sideways");
    assertTrue((Boolean) b.js("const m = document.getElementById('messages'); return m.scrollWidth <= m.clientWidth"),
        "the message list scrolls sideways");
    b.axe("replies on a phone");
  }

  @Test
  void amountsInOneFormatWithTheExactAmountInTheirTooltip() {
    Browser b = signedIn("money", 1280, 800, "premium");
    b.send("hello");
    b.completedReplies(1);
    assertMoney(b, ".msg-footer .money", 1);

    b.click("#admin-open");
    b.visible("#admin-view");
    b.click("#admin-refresh");
    b.until("the overview's total", d -> !b.text("#admin-total").equals("–"));
    assertMoney(b, "#admin-view .money", 3);

    // a member without a budget of their own: what they spent, and that no budget is set
    b.click("#admin-tab-budgets");
    String row = ".budget-row[data-has-budget=\"false\"] .meter-value";
    b.textContains(row, "no budget set");
    assertTrue(b.text(row + " .money").startsWith("$"), () -> b.text(row));
    assertMoney(b, "#admin-panel-budgets .money", 1);
    assertEquals(List.of(1L), b.js("return [new Set([...document.querySelectorAll('#admin-panel-budgets .bar')]"
        + ".map((e) => Math.round(e.getBoundingClientRect().width))).size]"), "budget bars of different lengths");

    // a refused amount is explained beside its field, and nothing below it moves
    String list = "#admin-panel-budgets .budget-list";
    Object before = b.js("return document.querySelector(arguments[0]).getBoundingClientRect().height", list);
    b.click(list + " [data-action=save-budget]");
    b.textContains(list + " .field-error", "Enter an amount");
    assertEquals(before, b.js("return document.querySelector(arguments[0]).getBoundingClientRect().height", list), "the list moved");
  }

  /** Every amount matched (at least {@code atLeast}) reads as the one format computes it from the exact amount in its tooltip. */
  private static void assertMoney(Browser b, String css, int atLeast) {
    @SuppressWarnings("unchecked")
    List<Map<String, String>> shown = (List<Map<String, String>>) b.js(
        "return [...document.querySelectorAll(arguments[0])].filter((e) => e.offsetParent || e.closest('table'))"
            + ".map((e) => ({text: e.textContent.trim(), title: e.title}))", css);
    assertTrue(shown.size() >= atLeast, () -> css + ": " + shown);
    for (Map<String, String> m : shown) {
      String title = m.get("title");
      assertTrue(title.matches("-?\\$[\\d,]+\\.\\d+"), () -> "no exact amount in the tooltip: " + m);
      assertEquals(expectedUsd(new BigDecimal(title.replaceAll("[$,]", ""))), m.get("text"), () -> "shown " + m);
    }
  }

  /** The format: $0.00 for nothing, whole cents from a cent up, two significant digits below. */
  static String expectedUsd(BigDecimal v) {
    if (v.signum() == 0) {
      return "$0.00";
    }
    String sign = v.signum() < 0 ? "-" : "";
    BigDecimal abs = v.abs();
    if (abs.compareTo(new BigDecimal("0.01")) < 0) {
      abs = abs.round(new MathContext(2, RoundingMode.HALF_UP));
    }
    if (abs.compareTo(new BigDecimal("0.01")) >= 0) {
      return sign + "$" + new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(Locale.US)).format(abs.setScale(2, RoundingMode.HALF_UP));
    }
    return sign + "$" + abs.stripTrailingZeros().toPlainString();
  }

  @Test
  void theColourSchemeFollowsTheSystemUnlessChosenInTheHeader() {
    Browser b = browser("scheme", 1280, 800);
    b.go("/");
    b.visible("#login-form");
    b.colourScheme("dark");
    assertEquals("dark", b.js("return document.documentElement.dataset.theme"));
    assertTrue(luminance(b, "body") < 0.1, "a dark page");
    b.axe("sign-in, dark");
    b.colourScheme("light");
    assertTrue(luminance(b, "body") > 0.8, "a light page");
    b.select("#auth-theme-select", "dark");
    assertEquals("dark", b.js("return document.documentElement.dataset.theme"), "the sign-in page's choice");
    b.select("#auth-theme-select", "system");
    assertEquals("light", b.js("return document.documentElement.dataset.theme"));

    b.signUpConfirmAndLogIn(unique("dora") + "@example.com", PASSWORD, unique("dark"), "premium", null);
    b.send("hello");
    b.completedReplies(1);
    b.select("#theme-select", "dark");
    assertEquals("dark", b.js("return document.documentElement.dataset.theme"));
    assertTrue(luminance(b, ".topbar") < 0.1, "the header stays light");
    // the scheme in effect before the modules run (they run once the document is parsed): no light flash
    b.onEveryPage("document.addEventListener('readystatechange', () => { if (document.readyState === 'interactive')"
        + " window.themeWhenParsed = document.documentElement.dataset.theme || 'none'; });");
    b.reload();
    b.connected();
    assertEquals("dark", b.js("return window.themeWhenParsed"), "the page was drawn light before the modules ran");
    assertEquals("dark", b.js("return document.documentElement.dataset.theme"), "the choice is not remembered");
    assertEquals("dark", b.find("#theme-select").getAttribute("value"));

    // the admin's charts take the scheme's colours
    b.click("#admin-open");
    b.visible("#admin-view");
    b.until("the charts", d -> b.js("return window.Chart && Chart.getChart(document.getElementById('chart-users')) ? true : null"));
    chartsInTheSchemesColours(b);
    b.select("#theme-select", "light");
    assertTrue(luminance(b, "body") > 0.8, "light when chosen");
    chartsInTheSchemesColours(b);
    b.colourScheme("dark");
    assertEquals("light", b.js("return document.documentElement.dataset.theme"), "the choice gave way to the system");
    b.select("#theme-select", "system");
    b.until("the system's dark scheme", d -> "dark".equals(b.js("return document.documentElement.dataset.theme")));
    b.colourScheme("light");
  }

  /** The charts' text and the cost bars in the colours of the scheme in effect. */
  private static void chartsInTheSchemesColours(Browser b) {
    String css = "return getComputedStyle(document.documentElement).getPropertyValue(arguments[0]).trim()";
    assertEquals(b.js(css, "--muted"), b.js("return Chart.defaults.color"));
    assertEquals(b.js(css, "--accent"), b.js("return Chart.getChart(document.getElementById('chart-users')).data.datasets[0].backgroundColor"));
  }

  /** A window of this size, signed in as the owner of a new organisation on this plan. */
  private Browser signedIn(String name, int width, int height, String tier) {
    Browser b = browser(name, width, height);
    b.signUpConfirmAndLogIn(unique(name.replaceAll("\\W", "")) + "@example.com", PASSWORD, unique("org"), tier, null);
    return b;
  }

  /** The relative luminance (0 black to 1 white) of an element's background. */
  private static double luminance(Browser b, String css) {
    return ((Number) b.js("const m = getComputedStyle(document.querySelector(arguments[0])).backgroundColor.match(/[\\d.]+/g).map(Number);"
        + " const c = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };"
        + " return 0.2126 * c(m[0]) + 0.7152 * c(m[1]) + 0.0722 * c(m[2]);", css)).doubleValue();
  }

  @Test
  void theAdminViewOpensAtItsTopAndAPhoneShowsTheActiveTab() {
    for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
      Browser b = signedIn("admin-" + size[0], size[0], size[1], "premium");
      b.click("#admin-open");
      b.visible("#admin-view");
      assertEquals(0L, ((Number) b.js("return document.getElementById('admin-view').scrollTop")).longValue(), "the admin view opens scrolled");
      assertTrue((Boolean) b.js("const h = document.getElementById('admin-title').getBoundingClientRect();"
          + " const bar = document.querySelector('.topbar').getBoundingClientRect(); return h.top >= bar.bottom && h.bottom <= window.innerHeight"),
          "the heading is under the top bar");
      for (String tab : List.of("budgets", "keys", "audit", "monitor", "overview")) {
        b.click("#admin-tab-" + tab);
        b.until("the " + tab + " tab in sight", d -> b.js("const e = document.getElementById(arguments[0]); const t = e.getBoundingClientRect();"
            + " const s = e.closest('[role=tablist]').getBoundingClientRect();"
            + " return t.left >= s.left - 1 && t.right <= s.right + 1 && t.right <= window.innerWidth", "admin-tab-" + tab));
      }
      assertTrue(noSideways(b), "the admin view scrolls sideways");
    }
  }

  @Test
  void theErrorBannerCoversNeitherTheTitleNorTheButtons() {
    for (int[] size : new int[][] {{1280, 800}, {390, 844}}) {
      Browser b = signedIn("banner-" + size[0], size[0], size[1], "premium");
      // a long error, as the bridge reports one
      b.js("import('/js/errors.js').then((m) => m.showBanner('The connection was lost and could not be opened again; messages are not "
          + "delivered until it is back. Check the network and reload the page.'))");
      b.visible("#error-banner");
      for (String covered : List.of("#chat-title", "#admin-open", "#logout", "#settings-open", "#message-input")) {
        assertFalse((Boolean) b.js("const a = document.getElementById('error-banner').getBoundingClientRect();"
            + " const e = document.querySelector(arguments[0]).getBoundingClientRect();"
            + " return a.left < e.right && e.left < a.right && a.top < e.bottom && e.top < a.bottom", covered),
            () -> "the banner covers " + covered + " at " + size[0] + " px");
      }
      b.axe("the chat with an error");
      b.click("#error-banner .banner-close");
      b.hidden("#error-banner");
    }
  }
}
