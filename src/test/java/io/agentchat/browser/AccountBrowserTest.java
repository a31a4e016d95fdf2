package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A member's account in real headless Chromium: a display name set in the settings and shown in the header and to the
 * admin; a budget below the per-message hold saved with the warning; invites listed with used and expired ones not
 * usable; the sign-up form saying why the organisation id is asked for; a sign-up with a taken address.
 */
class AccountBrowserTest extends BrowserTest {

  @Test
  void aDisplayNameSetInTheSettingsShowsInTheHeaderAndTheMembersList() throws Exception {
    String tenant = unique("nu");
    String email = unique("nadia") + "@example.com";
    Browser b = browser("named");
    b.signUpConfirmAndLogIn(email, PASSWORD, tenant, "basic", null);
    b.textContains("#user-email", email);
    b.click("#settings-open");
    b.visible("#profile-form");
    b.type("#profile-name", "  Nadia Boulanger ");
    b.click("#profile-save");
    b.textContains("#profile-notice", "You are shown as “Nadia Boulanger”");
    b.textContains("#user-email", "Nadia Boulanger");
    assertTrue(b.find("#user-email").getAttribute("title").contains(email), "the address is still in the tooltip");
    Api.User owner = await(api.login(email, PASSWORD));
    assertEquals("Nadia Boulanger", get("/api/auth/profile", owner.idToken()).getString("display_name"), "saved by the server");

    // a name too long is refused beside the field, and nothing changes
    b.type("#profile-name", "x".repeat(61));
    b.click("#profile-save");
    b.textContains("#profile-name-error", "at most 60");
    b.find("#settings-close").click();

    // a reload keeps the name (it comes from the server), and the admin's members list shows it with the address
    b.reload();
    b.connected();
    b.textContains("#user-email", "Nadia Boulanger");
    b.click("#admin-open");
    b.click("#admin-tab-members");
    String row = "#members-list li[data-user-id=\"" + owner.sub() + "\"]";
    b.textContains(row + " .member-email", "Nadia Boulanger");
    b.textContains(row + " [data-address]", email);

    // emptied: shown by the address again
    b.click("#admin-close");
    b.click("#settings-open");
    b.type("#profile-name", "");
    b.click("#profile-save");
    b.textContains("#profile-notice", "display name is removed");
    b.textContains("#user-email", email);
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(b));
  }

  @Test
  void aBudgetBelowTheHoldIsSavedWithAWarningAndUsedOrExpiredInvitesAreNotUsable() throws Exception {
    String tenant = unique("xi");
    String email = unique("xena") + "@example.com";
    Browser admin = browser("admin");
    admin.signUpConfirmAndLogIn(email, PASSWORD, tenant, "basic", null);
    admin.click("#admin-open");
    admin.click("#admin-tab-budgets");
    admin.type("#budget-tenant-input", "0.02");
    admin.click("#budget-tenant-save");
    admin.textContains("#budget-tenant-value", "of $0.02");
    String warning = admin.textContains("#budget-tenant-warning", "holds $0.05 until its cost is known");
    assertTrue(warning.contains("refuses every message"), warning);
    admin.type("#budget-tenant-input", "20");
    admin.click("#budget-tenant-save");
    admin.textContains("#budget-tenant-value", "of $20.00");
    admin.hidden("#budget-tenant-warning");

    // two invites: one used, one expired, one still usable with its link
    Api.User owner = await(api.login(email, PASSWORD));
    String used = await(api.invite(owner));
    await(api.signupAndLogin(unique("yuri") + "@example.com", tenant, null, used.toLowerCase(java.util.Locale.ROOT).replace("-", "")));
    await(app.store().identity().createInvite(tenant, "ZZZZ-ZZZZ-ZZ", owner.sub(), Instant.now().minusSeconds(60)));
    admin.click("#admin-tab-members");
    admin.click("#invite-create");
    String link = admin.until("the invite link", d -> {
      String v = admin.find("#invite-link").getAttribute("value");
      return v == null || v.isEmpty() ? null : v;
    });
    String code = admin.find("#invite-code").getAttribute("value");
    assertEquals(baseUrl + "/?join=" + tenant + "&invite=" + code, link);
    String pending = "#invite-list li[data-code=\"" + code + "\"]";
    admin.textContains(pending + " [data-badge=status]", "Usable");
    admin.visible(pending + " [data-action=copy-invite-link]");
    for (String gone : List.of(used, "ZZZZ-ZZZZ-ZZ")) {
      String item = "#invite-list li[data-code=\"" + gone + "\"]";
      admin.textContains(item + " [data-badge=status]", gone.equals(used) ? "Used" : "Expired");
      assertEquals(0, admin.all(item + " button").size(), "nothing to copy or revoke for " + gone);
    }
    admin.textContains("#invite-list li[data-code=\"" + used + "\"] .member-meta", "used by");

    // the link opens sign-up with the organisation filled in, and the form says why it is there
    Browser joiner = browser("joiner");
    joiner.go(link.substring(baseUrl.length()));
    joiner.visible("#panel-signup");
    assertEquals(tenant, joiner.js("return document.getElementById('signup-tenant').value"));
    assertEquals(code, joiner.js("return document.getElementById('signup-invite').value"));
    joiner.textContains("#signup-tenant-hint", "the invite link fills it in");
    joiner.click("#signup-mode-new");
    joiner.textContains("#signup-tenant-hint", "Choose an id for your new organisation");
    // creating one whose id is taken: the refusal beside the field, saying how to join instead
    joiner.type("#signup-email", unique("zoe") + "@example.com");
    joiner.type("#signup-password", "another long secret 9");
    joiner.find("#signup-form button[type=submit]").click();
    joiner.textContains("#signup-tenant-error", "use your invite link to join");

    // a taken address signs up like a new one; the development mailbox tells it an account exists instead of a code
    joiner.click("#signup-mode-join");
    joiner.type("#signup-tenant", tenant);
    joiner.type("#signup-invite", code);
    joiner.type("#signup-email", email);
    joiner.type("#signup-password", "another long secret 9");
    joiner.find("#signup-form button[type=submit]").click();
    joiner.visible("#panel-confirm");
    joiner.textContains("#dev-mailbox-code", "already has an account");
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(admin));
  }
}
