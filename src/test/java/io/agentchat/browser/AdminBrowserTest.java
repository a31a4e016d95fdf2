package io.agentchat.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin pages in real headless Chromium: invites, the live monitor, report charts and CSV, budgets, plans. */
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
    JsonObject budgets = get(reports + "/budgets", owner.idToken());
    assertTrue(budgets.encode().contains("\"monthly_usd\":25"), budgets::encode);
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
    admin.count(".msg.assistant", 0);
  }

  @Test
  void basicPlanAdminSeesTheUpgradeNoticeInsteadOfReports() {
    Browser admin = browser("basic-admin");
    admin.signUpConfirmAndLogIn(unique("ben") + "@example.com", PASSWORD, unique("sigma"), "basic", null);
    admin.click("#admin-open");
    admin.visible("#admin-view");
    String notice = admin.textContains("#upgrade-notice", "Premium");
    assertTrue(notice.contains("Basic plan"), notice);
    admin.hidden("#admin-panel-overview");
    admin.hidden("#admin-toolbar");
    // members and the monitor work on every plan
    admin.click("#upgrade-notice [data-goto-admin-tab=\"monitor\"]");
    admin.visible("#admin-panel-monitor");
    admin.click("#admin-tab-members");
    admin.visible("#invite-create");
    // back to the chat
    admin.click("#admin-close");
    admin.visible("#message-input");
    admin.hidden("#admin-view");
  }
}
