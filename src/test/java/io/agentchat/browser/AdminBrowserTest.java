package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;

/** The admin pages in real headless Chromium: invites, the live monitor, report charts and CSV, budgets, API keys, plans. */
class AdminBrowserTest extends BrowserTest {

  @Test
  void memberJoinsWithAnInviteAndTheAdminSeesTheTurnLiveAndInTheCharts() throws Exception {
    String tenant = unique("omega");
    String ownerEmail = unique("olga") + "@example.com";
    String memberEmail = unique("mia") + "@example.com";
    Browser admin = browser("admin");
    admin.signUpConfirmAndLogIn(ownerEmail, PASSWORD, tenant, "premium", null);

    // an invite code from the members page
    admin.click("#admin-open");
    admin.visible("#admin-view");
    admin.click("#admin-tab-members");
    admin.textContains("#members-list", ownerEmail);
    admin.click("#invite-create");
    admin.visible("#invite-result");
    admin.axeBothSchemes("admin members with an invite");
    String code = admin.until("an invite code", d -> {
      String v = admin.find("#invite-code").getAttribute("value");
      return v == null || v.isEmpty() ? null : v;
    });

    // the admin watches the live monitor while the new member chats
    admin.click("#admin-tab-monitor");
    admin.textContains("#monitor-feed", "Waiting for activity");
    Browser member = browser("member");
    member.signUpConfirmAndLogIn(memberEmail, PASSWORD, tenant, null, code);
    assertEquals(tenant, member.text("#user-tenant"));
    member.find("#admin-open"); // present in the page but not offered to a member
    assertTrue(!member.find("#admin-open").isDisplayed(), "a member is offered the admin view");
    member.send("hello from the new member");
    member.completedReplies(1);
    admin.textContains("#monitor-feed", memberEmail + " got a reply");
    admin.textContains("#monitor-turns", "1");
    admin.axe("admin monitor with activity");

    // the report's chart and table show the member's cost, as the server computes it
    Api.User owner = await(api.login(ownerEmail, PASSWORD));
    String reports = "/api/admin/tenants/" + tenant;
    JsonObject perUser = get(reports + "/per-user-cost", owner.idToken());
    JsonObject memberRow = perUser.getJsonArray("users").stream().map(JsonObject.class::cast)
        .filter(u -> memberEmail.equals(u.getString("email"))).findFirst().orElseThrow();
    double memberCost = memberRow.getDouble("cost_usd");
    assertTrue(memberCost > 0, perUser::encode);

    admin.click("#admin-tab-overview");
    admin.click("#admin-refresh");
    admin.textContains("#table-users", memberEmail);
    admin.axeBothSchemes("admin overview with costs");
    @SuppressWarnings("unchecked")
    Map<String, Object> chart = (Map<String, Object>) admin.until("the cost-per-user chart", d -> admin.js(
        "const c = window.Chart && Chart.getChart(document.getElementById('chart-users'));"
            + "return c ? {labels: c.data.labels, values: c.data.datasets[0].data} : null;"));
    @SuppressWarnings("unchecked")
    List<String> labels = (List<String>) chart.get("labels");
    @SuppressWarnings("unchecked")
    List<Number> values = (List<Number>) chart.get("values");
    int i = labels.indexOf(memberEmail);
    assertTrue(i >= 0, () -> "chart labels " + labels);
    assertEquals(memberCost, values.get(i).doubleValue(), 1e-12);
    JsonObject overall = get(reports + "/overall-cost", owner.idToken());
    assertEquals(overall.getInteger("turns").toString(), admin.text("#admin-turns-count"));
    String serviceCost = admin.text("#table-services tr[data-service=\"bedrock_models\"] td");
    assertTrue(serviceCost.startsWith("$"), serviceCost);

    // the CSV the page downloads is the server's report
    admin.click("#admin-csv-users");
    String csv = admin.downloaded("per-user-cost-" + admin.find("#admin-from").getAttribute("value") + "-"
        + admin.find("#admin-to").getAttribute("value") + ".csv");
    var expected = await(api.get(reports + "/per-user-cost?format=csv&from=" + admin.find("#admin-from").getAttribute("value")
        + "&to=" + admin.find("#admin-to").getAttribute("value"), owner.idToken()));
    assertEquals(expected.bodyAsString(), csv);
    assertTrue(csv.contains(memberEmail), csv);

    // a budget for the organisation
    admin.click("#admin-tab-budgets");
    admin.type("#budget-tenant-input", "25");
    admin.click("#budget-tenant-save");
    admin.textContains("#budget-tenant-value", "of $25.00");
    admin.axeBothSchemes("admin budgets with a budget");
    JsonObject budgets = get(reports + "/budgets", owner.idToken());
    assertTrue(budgets.encode().contains("\"monthly_usd\":25"), budgets::encode);
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(admin));
  }

  @Test
  void anApiKeyIsMadeShownOnceUsedByAProgramReportedAndRevoked() throws Exception {
    String tenant = unique("kappa");
    String email = unique("kim") + "@example.com";
    Browser admin = browser("keys");
    admin.signUpConfirmAndLogIn(email, PASSWORD, tenant, "premium", null);
    admin.click("#admin-open");
    admin.click("#admin-tab-keys");

    // no key yet: what keys are for and how a program uses one
    String empty = admin.textContains("#keys-empty", "No API keys yet");
    assertTrue(empty.contains(baseUrl + "/v1"), empty);
    String example = admin.find("#keys-example").getAttribute("value");
    assertTrue(example.startsWith("curl " + baseUrl + "/v1/chat/completions -H \"Authorization: Bearer "), example);
    admin.hidden("#keys-table-wrap");

    // a key for a service account with a budget; the server's refusal of the name is shown beside it and nothing typed is lost
    admin.click("#key-new");
    admin.visible("#key-form");
    admin.axeBothSchemes("the new API key dialog");
    focused(admin, "key-name", "id");
    admin.type("#key-name", "nightly report");
    admin.click("#key-owner-service");
    admin.hidden("#key-member");
    admin.type("#key-service", "Nightly CI");
    admin.type("#key-budget", "5");
    admin.click("#key-create");
    String refusal = admin.textContains("#key-owner-error", "1-40 characters");
    assertTrue(refusal.contains("service_account"), refusal);
    assertEquals("true", admin.find("#key-service").getAttribute("aria-invalid"));
    focused(admin, "key-service", "id");
    assertEquals("nightly report", admin.find("#key-name").getAttribute("value"));
    assertEquals("5", admin.find("#key-budget").getAttribute("value"));
    admin.type("#key-service", "nightly-ci");
    admin.click("#key-create");

    // the key, once, with its example of use
    admin.textContains("#admin-dialog-title", "nightly report");
    admin.textContains("#admin-dialog-body", "you will not see this key again");
    admin.axe("the new key shown once");
    String key = admin.until("the new key", d -> {
      String v = admin.find("#key-secret").getAttribute("value");
      return v == null || v.isEmpty() ? null : v;
    });
    assertTrue(key.startsWith("ack_" + tenant + "_"), key);
    assertTrue(admin.find("#key-example").getAttribute("value").contains("-H \"Authorization: Bearer " + key + "\""));
    admin.click("#key-done");
    admin.hidden("#admin-dialog");
    admin.hidden("#keys-empty");
    String row = "#keys-table tbody tr[data-status=\"active\"]";
    admin.textContains(row, "nightly report");
    String keyId = admin.find(row).getAttribute("data-key-id");
    row = "#keys-table tbody tr[data-key-id=\"" + keyId + "\"]";
    focused(admin, keyId, "dataset.keyId"); // the new key's row
    assertEquals("service account nightly-ci", admin.text(row + " [data-cell=owner]"));
    assertEquals("never", admin.text(row + " [data-cell=last-used]"));
    assertEquals("$0.00 of $5.00", admin.text(row + " [data-cell=spend]"));
    assertEquals("Active", admin.text(row + " [data-cell=status] .badge"));
    assertTrue(admin.text(row).contains(key.substring(0, key.lastIndexOf('_'))), "the key's prefix");
    assertTrue(!admin.text("#admin-view").contains(key), "the key itself is not shown again");

    // a program uses it
    JsonObject ask = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello")));
    var answer = await(api.post("/v1/chat/completions", key, ask));
    assertEquals(200, answer.statusCode(), answer::bodyAsString);
    Api.User owner = await(api.login(email, PASSWORD));
    JsonObject listed = get("/api/admin/tenants/" + tenant + "/api-keys", owner.idToken()).getJsonArray("api_keys").getJsonObject(0);
    assertTrue(listed.getDouble("spent_usd") > 0, listed::encode);

    // the page shows its spending and its use
    admin.click("#keys-refresh");
    String finalRow = row;
    String spent = admin.until("a spend above $0", d -> {
      String t = admin.text(finalRow + " [data-cell=spend]");
      return t.startsWith("$0.00 ") ? null : t;
    });
    assertTrue(spent.matches("\\$0\\.0*[1-9]\\d* of \\$5\\.00"), spent);
    assertNotEquals("never", admin.text(row + " [data-cell=last-used]"));

    // and so do the reports, per API key, with its CSV
    admin.click("#admin-tab-overview");
    admin.click("#admin-refresh");
    String keyRow = "#table-keys tbody tr[data-key-id=\"" + keyId + "\"]";
    admin.textContains(keyRow, "nightly report");
    assertTrue(admin.text(keyRow).contains("service account nightly-ci"), admin.text(keyRow));
    assertEquals("1", admin.text(keyRow + " td:nth-of-type(2)"));
    String from = admin.find("#admin-from").getAttribute("value");
    String to = admin.find("#admin-to").getAttribute("value");
    admin.click("#admin-csv-keys");
    String csv = admin.downloaded("per-key-cost-" + from + "-" + to + ".csv");
    var expected = await(api.get("/api/admin/tenants/" + tenant + "/per-key-cost?format=csv&from=" + from + "&to=" + to, owner.idToken()));
    assertEquals(expected.bodyAsString(), csv);
    assertTrue(csv.contains(keyId), csv);

    // revoked after a confirmation: the row says so, and the program is refused
    admin.click("#admin-tab-keys");
    admin.click(row + " [data-action=revoke]");
    admin.textContains("#admin-dialog-title", "Revoke the key");
    admin.axe("the revoke dialog");
    focused(admin, "cancel", "dataset.action");
    admin.click("#admin-dialog-body [data-action=confirm]");
    admin.hidden("#admin-dialog");
    admin.textContains(row + " [data-cell=status]", "Revoked");
    assertEquals(0, admin.all(row + " [data-action=revoke]").size());
    focused(admin, keyId, "dataset.keyId"); // back on the key's row
    var refused = await(api.post("/v1/chat/completions", key, ask));
    assertEquals(401, refused.statusCode(), refused::bodyAsString);

    // the members page lists the service account as such, with nothing to promote
    admin.click("#admin-tab-members");
    String account = "#members-list li[data-role=\"service\"]";
    String accountText = admin.textContains(account, "nightly-ci");
    assertTrue(accountText.contains("Service account"), accountText);
    assertEquals(0, admin.all(account + " [data-action=make-admin]").size());
    assertEquals(1, admin.all(account + " [data-action=remove]").size(), "a service account can be removed only");
    admin.click("#admin-tab-keys");
    admin.textContains(row + " [data-cell=status]", "Revoked");

    // on a phone the page does not scroll sideways (the table scrolls in its own box), nor does the new key's form
    admin.driver.manage().window().setSize(new Dimension(390, 844));
    admin.until("the phone's width", d -> ((Number) admin.js("return window.innerWidth")).intValue() <= 390);
    String noSideways = "return document.documentElement.scrollWidth <= window.innerWidth"
        + " && document.getElementById('admin-view').scrollWidth <= document.getElementById('admin-view').clientWidth";
    assertTrue((Boolean) admin.js(noSideways), "the API keys page is wider than the phone");
    admin.click("#key-new");
    admin.visible("#key-form");
    assertTrue((Boolean) admin.js("const d = document.getElementById('admin-dialog');"
        + " return d.scrollWidth <= d.clientWidth && d.getBoundingClientRect().right <= window.innerWidth"), "the form is wider than the phone");
    admin.click("#key-cancel");
    admin.hidden("#admin-dialog");
    focused(admin, "key-new", "id");
    assertEquals(List.of(), ChatBrowserTest.scriptErrors(admin));
  }

  @Test
  void aBudgetTooSmallForAMessageIsExplainedInTheChat() {
    Browser admin = browser("budget");
    admin.signUpConfirmAndLogIn(unique("hal") + "@example.com", PASSWORD, unique("theta"), "advanced", null);
    admin.click("#admin-open");
    admin.click("#admin-tab-budgets");
    // typing mistakes are explained and change nothing
    admin.type("#budget-tenant-input", "-3");
    admin.click("#budget-tenant-save");
    admin.textContains("#budget-tenant-error", "$0 or more");
    admin.type("#budget-tenant-input", "0.01");
    admin.click("#budget-tenant-save");
    admin.textContains("#budget-tenant-value", "of $0.01");
    admin.click("#admin-open");
    admin.hidden("#admin-view");
    // each message holds an upper bound of its cost before it runs: $0.01 cannot hold one
    admin.send("hello");
    String banner = admin.textContains("#error-banner .banner-text", "budget is used up");
    assertTrue(banner.contains("admin"), banner);
    assertEquals("budget_exceeded", admin.find("#error-banner").getAttribute("data-code"));
    admin.axe("the chat with the budget's error");
    admin.count(".msg.assistant", 0);
  }

  @Test
  void basicPlanAdminSeesTheUpgradeNoticeInsteadOfReports() {
    Browser admin = browser("basic-admin");
    admin.signUpConfirmAndLogIn(unique("ben") + "@example.com", PASSWORD, unique("sigma"), "basic", null);
    admin.click("#admin-open");
    admin.visible("#admin-view");
    admin.axe("the upgrade notice");
    String notice = admin.textContains("#upgrade-notice", "Premium");
    assertTrue(notice.contains("Basic plan"), notice);
    admin.hidden("#admin-panel-overview");
    admin.hidden("#admin-toolbar");
    // members and the monitor work on every plan
    admin.click("#upgrade-notice [data-goto-admin-tab=\"monitor\"]");
    admin.visible("#admin-panel-monitor");
    admin.click("#admin-tab-members");
    admin.visible("#invite-create");
    admin.axe("admin members on the basic plan");
    // back to the chat
    admin.click("#admin-close");
    admin.visible("#message-input");
    admin.hidden("#admin-view");
  }
}
