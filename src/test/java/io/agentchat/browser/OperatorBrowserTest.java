package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/**
 * The platform operators' page in real headless Chromium: shown to operators only (the embedded provider's
 * {@code auth.local.operators}), every organisation listed, a plan changed, an organisation suspended (its chat refused,
 * with the server's words in the chat's banner) and resumed, and its audit log of it all.
 */
class OperatorBrowserTest extends BrowserTest {
  private static final String OPERATOR = "op@ops.test";

  /** Hides {@link BrowserTest#startApp()}: the same application, with one operator. */
  @BeforeAll
  static void startApp() throws Exception {
    startApp(config -> config.getJsonObject("auth").getJsonObject("local").put("operators", new JsonArray().add(OPERATOR)));
  }

  @Test
  void anOperatorChangesAPlanSuspendsAndResumesAnOrganisationAndReadsItsAuditLog() throws Exception {
    await(api.signupAndLogin(OPERATOR, "ops-team", "basic", null));
    Api.User acme = await(api.signupAndLogin("ada@acme.test", "acme", "premium", null));

    // acme's admin sees Admin, not Operator
    Browser member = browser("acme-admin");
    logIn(member, acme.email());
    member.visible("#admin-open");
    member.hidden("#operator-open");

    // the operator sees it, and every organisation
    Browser op = browser("operator");
    logIn(op, OPERATOR);
    op.click("#operator-open");
    op.visible("#operator-view");
    op.hidden("#main-view .layout");
    assertEquals("true", op.find("#operator-open").getAttribute("aria-pressed"));
    focused(op, "operator-title", "id");
    String row = "#tenants-table tbody tr[data-tenant-id=acme]";
    op.visible(row);
    op.visible("#tenants-table tbody tr[data-tenant-id=ops-team]");
    op.axeBothSchemes("the operator page");
    assertEquals("Premium", op.text(row + " [data-cell=plan]"));
    assertEquals("Active", op.text(row + " [data-badge=status]"));
    assertEquals("1", op.text(row + " [data-cell=members]"));
    assertFalse(op.text(row + " [data-cell=spent]").isBlank());
    assertFalse(op.text(row + " [data-cell=created]").isBlank());

    // a new plan, chosen in a dialog
    op.click(row + " [data-action=plan]");
    op.textContains("#operator-dialog-title", "Change the plan of acme");
    op.axeBothSchemes("the operator's plan dialog");
    focused(op, "operator-plan", "id");
    assertEquals("premium", op.find("#operator-plan").getAttribute("value"));
    op.select("#operator-plan", "basic");
    op.click("#operator-dialog-body [data-action=confirm]");
    op.hidden("#operator-dialog");
    op.textContains(row + " [data-cell=plan]", "Basic");
    op.textContains("#operator-status", "acme is now on the Basic plan");
    focused(op, "plan", "dataset.action");
    assertEquals("basic", get("/api/tenants/acme/subscription", acme.idToken()).getString("tier"));

    // suspended after a confirmation that says what a suspension does
    op.click(row + " [data-action=suspend]");
    op.textContains("#operator-dialog-title", "Suspend acme?");
    op.axe("the operator's suspend dialog");
    String question = op.text("#operator-dialog-body");
    for (String told : List.of("messages are refused", "open connections close", "admins are told")) {
      assertTrue(question.contains(told), question);
    }
    focused(op, "cancel", "dataset.action");
    op.click("#operator-dialog-body [data-action=confirm]");
    op.hidden("#operator-dialog");
    op.until("acme shown as suspended", d -> "suspended".equals(op.find(row).getAttribute("data-status")));
    assertEquals("Suspended", op.text(row + " [data-badge=status]"));
    focused(op, "resume", "dataset.action");
    var refused = await(api.post("/api/chat", acme.idToken(), new JsonObject().put("message", "hello?")));
    assertEquals(403, refused.statusCode(), refused::bodyAsString);
    assertEquals("tenant_suspended", Api.errorCode(refused));

    // acme's chat shows the server's reason in its banner
    member.connected();
    member.send("are we still here?");
    member.until("the suspension in the banner", d -> "tenant_suspended".equals(member.find("#error-banner").getAttribute("data-code")));
    String banner = member.text("#error-banner .banner-text");
    assertEquals(refused.bodyAsJsonObject().getJsonObject("error").getString("message"), banner);

    // resumed
    op.click(row + " [data-action=resume]");
    op.textContains("#operator-dialog-title", "Resume acme?");
    op.click("#operator-dialog-body [data-action=confirm]");
    op.hidden("#operator-dialog");
    op.until("acme active again", d -> "active".equals(op.find(row).getAttribute("data-status")));
    focused(op, "suspend", "dataset.action");
    await(api.chat(acme, "hello again"));

    // acme's audit log, in the operator view
    op.click(row + " [data-action=audit]");
    op.visible("#op-audit");
    op.axe("an organisation's audit log for the operator");
    op.textContains("#op-audit-heading", "acme");
    focused(op, "op-audit", "id");
    String entry = "#op-audit-table tbody tr";
    for (String kind : List.of("plan_changed", "suspended", "resumed")) {
      op.until(kind + " in the audit log", d -> !op.all(entry + "[data-kind=" + kind + "]").isEmpty());
      assertEquals(OPERATOR, op.text(entry + "[data-kind=" + kind + "] [data-cell=who]"));
    }
    assertEquals("resumed", op.find(entry).getAttribute("data-kind"), "the newest entry first");
    op.select("#op-audit-kind", "plan_changed");
    op.until("plan changes only", d -> op.all(entry).size() == 1 && op.all(entry + "[data-kind=plan_changed]").size() == 1);

    // erased after a confirmation that says what goes and what stays
    op.click(row + " [data-action=erase]");
    op.textContains("#operator-dialog-body", "usage ledger");
    op.click("#operator-dialog-body [data-action=confirm]");
    op.until("acme shown as erased", d -> "erased".equals(op.find(row).getAttribute("data-status")));
    assertTrue(op.all(row + " [data-action=suspend], " + row + " [data-action=erase]").isEmpty(), "nothing left to change on an erased one");
    assertEquals(401, await(api.get("/api/tenants/acme/usage", acme.idToken())).statusCode(), "its sign-ins end at once");

    // on a phone nothing scrolls sideways but the tables in their boxes
    op.driver.manage().window().setSize(new Dimension(390, 844));
    op.until("the phone's width", d -> ((Number) op.js("return window.innerWidth")).intValue() <= 390);
    assertTrue((Boolean) op.js("const v = document.getElementById('operator-view');"
        + " return document.documentElement.scrollWidth <= window.innerWidth && v.scrollWidth <= v.clientWidth"), "the operator view is wider than the phone");
    assertEquals(op.find("#operator-open").getLocation().getY(), op.find("#logout").getLocation().getY(), "the header's buttons on one line");

    // back to the chat
    op.click("#operator-close");
    op.hidden("#operator-view");
    op.visible("#main-view .layout");
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(op));
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(member));
  }

  @Test
  void anInviteLinkOpensSignUpWithTheOrganisationAndTheCodeFilledIn() throws Exception {
    Api.User admin = await(api.signupAndLogin("lee@linkco.test", "linkco", "basic", null));
    JsonObject invite = await(api.post("/api/admin/invites", admin.idToken(), new JsonObject()).compose(r -> Api.expect(r, 201)));
    Browser b = browser("joiner");
    b.go(invite.getString("join_path"));
    b.visible("#panel-signup");
    assertEquals(Boolean.TRUE, b.js("return document.getElementById('signup-mode-join').checked"), "join mode");
    assertEquals("linkco", b.js("return document.getElementById('signup-tenant').value"));
    assertEquals(invite.getString("invite_code"), b.js("return document.getElementById('signup-invite').value"));
    b.type("#signup-email", "new@linkco.test");
    b.type("#signup-password", "a fine long secret 7");
    b.find("#signup-form button[type=submit]").click();
    b.visible("#panel-confirm"); // only e-mail and password were typed
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(b));
  }

  private static void logIn(Browser b, String email) {
    b.go("/");
    b.visible("#login-form");
    b.type("#login-email", email);
    b.type("#login-password", Api.PASSWORD);
    b.find("#login-form button[type=submit]").click();
    b.connected();
  }
}
