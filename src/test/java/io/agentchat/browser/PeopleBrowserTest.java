package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Poll;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * People and their access in real headless Chromium: members made admins and plain members again and removed (signed
 * out at once), the last admin kept, the audit log of it all with its filter and CSV, a changed password, signing out
 * everywhere and a forgotten password set anew with the development mailbox's code.
 */
class PeopleBrowserTest extends BrowserTest {
  private static final String NEW_PASSWORD = "a brand new passphrase";

  @Test
  void anAdminChangesAMembersRoleRemovesThemAndReadsItInTheAuditLog() throws Exception {
    String tenant = unique("rho");
    String ownerEmail = unique("rosa") + "@example.com";
    String memberEmail = unique("max") + "@example.com";
    Browser admin = browser("admin");
    admin.signUpConfirmAndLogIn(ownerEmail, PASSWORD, tenant, "advanced", null);
    Api.User owner = await(api.login(ownerEmail, PASSWORD));
    String code = await(api.invite(owner));

    // the member signs up and chats in a window of their own
    Browser member = browser("member");
    member.signUpConfirmAndLogIn(memberEmail, PASSWORD, tenant, null, code);
    member.hidden("#admin-open");
    String memberId = Api.claims(idTokenOf(member)).getString("sub");

    admin.click("#admin-open");
    admin.click("#admin-tab-members");
    String row = "#members-list li[data-user-id=\"" + memberId + "\"]";
    admin.textContains(row, memberEmail);
    assertEquals("Member", admin.text(row + " [data-badge=role]"));
    assertEquals("Active", admin.text(row + " [data-badge=status]"));
    admin.textContains(row + " [data-use]", "this month"); // each member's messages and cost this month and last chat

    // made an admin after a confirmation: the badge changes, and the member's page gets the rights with its next request
    admin.click(row + " [data-action=make-admin]");
    admin.textContains("#admin-dialog-title", "Make " + memberEmail + " an admin?");
    admin.axeBothSchemes("the make-admin dialog");
    focused(admin, "cancel", "dataset.action");
    admin.click("#admin-dialog-body [data-action=confirm]");
    admin.hidden("#admin-dialog");
    admin.textContains(row + " [data-badge=role]", "Admin");
    focused(admin, "remove-admin", "dataset.action");
    admin.textContains("#admin-status", memberEmail + " is now an admin");
    member.send("hello as a new admin");
    member.completedReplies(1);
    member.visible("#admin-open");
    assertTrue(Api.claims(idTokenOf(member)).getJsonArray("cognito:groups").contains(tenant + "-admins"));

    // and a plain member again
    admin.click(row + " [data-action=remove-admin]");
    admin.textContains("#admin-dialog-title", "Remove the admin rights of " + memberEmail);
    admin.click("#admin-dialog-body [data-action=confirm]");
    admin.hidden("#admin-dialog");
    admin.textContains(row + " [data-badge=role]", "Member");
    focused(admin, "make-admin", "dataset.action");

    // removed after a confirmation that says what happens: their ID token is refused at once, their page signs out
    Api.User signedIn = await(api.login(memberEmail, PASSWORD));
    String usage = "/api/tenants/" + tenant + "/usage";
    assertEquals(200, await(api.get(usage, signedIn.idToken())).statusCode());
    admin.click(row + " [data-action=remove]");
    admin.textContains("#admin-dialog-title", "Remove " + memberEmail + "?");
    String question = admin.text("#admin-dialog-body");
    for (String told : List.of("signed out at once, on every device", "reply still running for them is stopped", "usage stays in the cost reports")) {
      assertTrue(question.contains(told), question);
    }
    focused(admin, "cancel", "dataset.action");
    admin.click("#admin-dialog-body [data-action=confirm]");
    admin.hidden("#admin-dialog");
    admin.until("the member shown as removed", d -> "removed".equals(admin.find(row).getAttribute("data-status")));
    assertEquals("Removed", admin.text(row + " [data-badge=status]"));
    assertTrue(admin.find(row).getAttribute("class").contains("removed"));
    assertEquals(0, admin.all(row + " button").size(), "a removed member has nothing to do");
    assertEquals(0, admin.all(row + " [data-badge=role]").size());
    var refused = await(api.get(usage, signedIn.idToken()));
    assertEquals(401, refused.statusCode(), refused::bodyAsString);
    member.visible("#login-form");
    member.hidden("#main-view");
    var listed = get("/api/admin/tenants/" + tenant + "/members", owner.idToken()).getJsonArray("members").stream()
        .map(JsonObject.class::cast).filter(m -> memberId.equals(m.getString("user_id"))).findFirst().orElseThrow();
    assertEquals("removed", listed.getString("status"));

    // the only admin cannot remove themselves: the server's reason is shown in the dialog, which stays open
    String ownRow = "#members-list li[data-user-id=\"" + owner.sub() + "\"]";
    admin.click(ownRow + " [data-action=remove]");
    admin.textContains("#admin-dialog-title", "Remove yourself");
    admin.click("#admin-dialog-body [data-action=confirm]");
    admin.textContains("#admin-dialog-body [data-slot=error]", "needs an admin");
    assertEquals("last_admin", admin.find("#admin-dialog-body [data-slot=error]").getAttribute("data-code"));
    admin.click("#admin-dialog-body [data-action=cancel]");
    admin.hidden("#admin-dialog");
    focused(admin, "remove", "dataset.action");
    assertEquals(owner.sub(), admin.js("return document.activeElement.dataset.userId"));
    admin.visible("#main-view");

    // the audit log lists it all, newest first
    String audit = "/api/admin/tenants/" + tenant + "/audit";
    await(Poll.until(vertx, () -> api.get(audit, owner.idToken()).map(r -> r.bodyAsJsonObject()),
        log -> log.getJsonArray("entries").stream().map(JsonObject.class::cast).anyMatch(e -> "member_removed".equals(e.getString("kind")))));
    admin.click("#admin-tab-audit");
    admin.visible("#audit-table");
    String entry = "#audit-table tbody tr";
    admin.until("the removal in the audit log", d -> !admin.all(entry + "[data-kind=member_removed]").isEmpty());
    assertEquals("member_removed", admin.find(entry).getAttribute("data-kind"), "the newest entry first");
    assertEquals(2, admin.all(entry + "[data-kind=role_changed]").size());
    for (String kind : List.of("invite_created", "joined", "sign_in")) {
      assertFalse(admin.all(entry + "[data-kind=" + kind + "]").isEmpty(), kind);
    }
    String removal = entry + "[data-kind=member_removed]";
    assertEquals("Member removed", admin.text(removal + " [data-cell=kind]"));
    assertEquals(ownerEmail, admin.text(removal + " [data-cell=who]"));
    assertEquals(memberEmail, admin.text(removal + " [data-cell=target]"));
    assertEquals("127.0.0.1", admin.text(removal + " [data-cell=address]"));

    // the kind filter narrows it
    admin.select("#audit-kind", "role_changed");
    admin.until("role changes only", d -> admin.all(entry).size() == 2 && admin.all(entry + "[data-kind=role_changed]").size() == 2);
    assertEquals(List.of("now a member", "now an admin"), admin.all(entry + " [data-cell=details]").stream().map(WebElement::getText).toList());
    admin.textContains("#audit-count", "2 entries");
    admin.select("#audit-kind", "password_reset");
    admin.textContains("#audit-empty", "No “Password reset” entries");
    admin.hidden("#audit-table-wrap");
    admin.hidden("#audit-truncated");

    // the CSV of the filters shown is the server's
    admin.select("#audit-kind", "");
    admin.visible("#audit-table-wrap");
    admin.until("every kind again", d -> !admin.all(entry + "[data-kind=sign_in]").isEmpty());
    String from = admin.find("#audit-from").getAttribute("value");
    String to = admin.find("#audit-to").getAttribute("value");
    admin.click("#audit-csv");
    String csv = admin.downloaded(tenant + "-audit-" + from + "-" + to + ".csv");
    var expected = await(api.get(audit + "?format=csv&from=" + from + "&to=" + to, owner.idToken()));
    assertEquals(expected.bodyAsString(), csv);
    assertTrue(csv.startsWith("at,kind,actor_user_id,actor_email,target,client_address,detail"), csv);
    assertTrue(csv.contains(",member_removed,"), csv);

    // on a phone the page does not scroll sideways: the log scrolls in its own box
    admin.driver.manage().window().setSize(new Dimension(390, 844));
    admin.until("the phone's width", d -> ((Number) admin.js("return window.innerWidth")).intValue() <= 390);
    assertTrue(noSideways(admin), "the audit log is wider than the phone");
    assertTrue((Boolean) admin.js("const w = document.getElementById('audit-table-wrap'); return w.scrollWidth > w.clientWidth"),
        "the table scrolls in its box");
    admin.click("#admin-tab-members");
    admin.visible(ownRow);
    assertTrue(noSideways(admin), "the members page is wider than the phone");
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(admin));
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(member));
  }

  @Test
  void settingsChangeThePasswordAndSignOutEverywhere() throws Exception {
    String email = unique("sam") + "@example.com";
    Browser b = browser("settings");
    b.signUpConfirmAndLogIn(email, PASSWORD, unique("tau"), "advanced", null);
    Api.User otherDevice = await(api.login(email, PASSWORD));
    String usage = "/api/tenants/" + otherDevice.tenant() + "/usage";

    b.click("#settings-open");
    b.visible("#settings-dialog");
    focused(b, "password-old", "id");
    b.textContains("#settings-account", email);

    // the checks of the page, then the server's: each beside its field, and nothing moves when one appears
    int buttonY = b.find("#password-save").getLocation().getY();
    b.type("#password-new", "short");
    b.click("#password-save");
    b.textContains("#password-old-error", "Enter your current password");
    b.textContains("#password-new-error", "at least 8 characters");
    b.textContains("#password-repeat-error", "once more");
    assertEquals(buttonY, b.find("#password-save").getLocation().getY(), "the messages moved the form");
    focused(b, "password-old", "id");
    b.type("#password-old", "not my password");
    b.type("#password-new", NEW_PASSWORD);
    b.type("#password-repeat", NEW_PASSWORD);
    b.click("#password-save");
    b.textContains("#password-old-error", "not your current password");
    assertEquals("true", b.find("#password-old").getAttribute("aria-invalid"));
    b.visible("#main-view"); // a wrong current password is no lost login
    b.type("#password-old", PASSWORD);
    b.type("#password-new", "password123");
    b.type("#password-repeat", "password123");
    b.click("#password-save");
    b.textContains("#password-new-error", "most common");
    assertEquals(buttonY, b.find("#password-save").getLocation().getY(), "the server's message moved the form");

    // changed: this window stays signed in (and chats), the other device is signed out
    b.type("#password-old", PASSWORD);
    b.type("#password-new", NEW_PASSWORD);
    b.type("#password-repeat", NEW_PASSWORD);
    b.click("#password-save");
    b.textContains("#password-notice", "Your password is changed");
    assertEquals("", b.find("#password-old").getAttribute("value"));
    assertEquals(401, await(api.get(usage, otherDevice.idToken())).statusCode());
    b.click("#settings-close");
    b.hidden("#settings-dialog");
    focused(b, "settings-open", "id");
    b.connected();
    b.send("still here after the new password");
    b.completedReplies(1);
    assertEquals(200, await(api.get(usage, idTokenOf(b))).statusCode());

    // logged out, and in again with the new password
    b.click("#logout");
    logIn(b, email, NEW_PASSWORD);

    // signing out everywhere, after a confirmation, signs this window out too
    Api.User elsewhere = await(api.login(email, NEW_PASSWORD));
    b.click("#settings-open");
    b.click("#logout-everywhere");
    b.textContains("#settings-title", "Sign out everywhere?");
    b.axe("the sign-out-everywhere question");
    focused(b, "cancel", "dataset.action");
    b.click("#settings-body [data-action=cancel]");
    b.textContains("#settings-title", "Settings");
    focused(b, "logout-everywhere", "id");
    b.click("#logout-everywhere");
    b.click("#settings-body [data-action=confirm]");
    b.visible("#login-form");
    b.textContains("#login-form .form-notice", "signed out on every device");
    b.hidden("#settings-dialog");
    assertEquals(0L, b.js("return window.sessionStorage.length"));
    assertEquals(401, await(api.get(usage, elsewhere.idToken())).statusCode());
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(b));
  }

  @Test
  void aForgottenPasswordIsSetAnewWithTheCodeOfTheDevelopmentMailbox() throws Exception {
    String email = unique("fay") + "@example.com";
    await(api.signupAndLogin(email, unique("phi"), "basic", null));
    Browser b = browser("forgot", 390, 844);
    b.go("/");
    b.type("#login-email", email);
    b.click("#forgot-open");
    b.visible("#forgot-view");
    b.hidden("#login-form");
    focused(b, "forgot-email", "id");
    assertEquals(email, b.find("#forgot-email").getAttribute("value"));
    b.click("#forgot-send");

    // the code of the development mailbox, shown and filled in
    b.visible("#reset-form");
    b.textContains("#reset-notice", email);
    String shown = b.textContains("#reset-dev-code", "your code is");
    String code = get("/api/dev/mailbox/" + email, null).getString("code");
    assertTrue(shown.endsWith(code), shown);
    b.until("the code filled in", d -> code.equals(b.find("#reset-code").getAttribute("value")));
    focused(b, "reset-password", "id");
    b.axeBothSchemes("the new password form on a phone");

    // refusals beside their field, nothing moving
    int buttonY = b.find("#reset-save").getLocation().getY();
    b.type("#reset-code", "000000".equals(code) ? "111111" : "000000");
    b.type("#reset-password", NEW_PASSWORD);
    b.type("#reset-repeat", NEW_PASSWORD);
    b.click("#reset-save");
    b.textContains("#reset-code-error", "wrong or has expired");
    assertEquals(buttonY, b.find("#reset-save").getLocation().getY(), "the message moved the form");
    b.type("#reset-code", code);
    b.type("#reset-password", "password");
    b.type("#reset-repeat", "password");
    b.click("#reset-save");
    b.textContains("#reset-password-error", "most common");
    assertEquals(buttonY, b.find("#reset-save").getLocation().getY(), "the message moved the form");
    assertTrue(noSideways(b), "the reset form is wider than the phone");

    // set: back to logging in, with the new password only
    b.type("#reset-password", NEW_PASSWORD);
    b.type("#reset-repeat", NEW_PASSWORD);
    b.click("#reset-save");
    b.visible("#login-form");
    b.textContains("#login-form .form-notice", "Your password is changed");
    b.hidden("#forgot-view");
    assertEquals(email, b.find("#login-email").getAttribute("value"));
    focused(b, "login-password", "id");
    var old = await(api.post("/api/auth/login", new JsonObject().put("email", email).put("password", Api.PASSWORD)));
    assertEquals(401, old.statusCode(), old::bodyAsString);
    logIn(b, email, NEW_PASSWORD);

    // the phone's header keeps its buttons on one line, the settings fit
    assertEquals(b.find("#settings-open").getLocation().getY(), b.find("#logout").getLocation().getY());
    assertTrue(noSideways(b), "the chat is wider than the phone");
    b.click("#settings-open");
    b.visible("#settings-dialog");
    assertTrue((Boolean) b.js("const d = document.getElementById('settings-dialog');"
        + " return d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().right <= window.innerWidth"), "the settings are wider than the phone");
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(b));
  }

  /** Logs in on the log-in form (its e-mail may be filled in already). */
  private static void logIn(Browser b, String email, String password) {
    b.visible("#login-form");
    b.type("#login-email", email);
    b.type("#login-password", password);
    b.find("#login-form button[type=submit]").click();
    b.connected();
  }

  /** The ID token the page holds now. */
  private static String idTokenOf(Browser b) {
    return (String) b.js("return JSON.parse(sessionStorage.getItem('agentchat.tokens')).id_token");
  }
}
