package io.agentchat.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.ClockedAppTest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * At the last second of a month by the application's clock (whatever the wall clock says), metering, the budgets page
 * and the default report range all speak of that month: what a turn is charged shows as spent in the same month.
 */
class MonthBoundaryTest extends ClockedAppTest {
  private static final Instant LAST_SECOND = Instant.parse("2025-02-28T23:59:59Z");

  MonthBoundaryTest() {
    super(LAST_SECOND);
  }

  @Test
  void budgetsReportsAndMeteringShowTheMonthOfTheApplicationClock(VertxTestContext ctx) {
    User[] admin = new User[1];
    BigDecimal[] charged = new BigDecimal[1];
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(u -> {
      admin[0] = u;
      return api.budget(u, 5);
    }).compose(b -> api.chat(admin[0], "hello at the end of February")).compose(reply -> {
      charged[0] = new BigDecimal(reply.getValue("cost_usd").toString());
      assertTrue(charged[0].signum() > 0, "the turn cost something: " + reply);
      return api.usage(admin[0]);
    }).compose(usage -> {
      assertEquals("2025-02", usage.getJsonObject("month").getString("month"), "metering's month: " + usage);
      assertEquals(1, usage.getInteger("monthly_used"));
      return api.get("/api/admin/tenants/acme/budgets", admin[0].idToken());
    }).compose(r -> {
      JsonObject budgets = r.bodyAsJsonObject();
      assertEquals("2025-02", budgets.getString("month"), "the budgets page's month: " + budgets);
      JsonObject tenant = budgets.getJsonArray("budgets").getJsonObject(0);
      assertEquals(0, charged[0].compareTo(new BigDecimal(tenant.getValue("spent_usd").toString())), "spent this month: " + budgets);
      return api.get("/api/tenants/acme/costs", admin[0].idToken());
    }).map(r -> {
      JsonObject costs = r.bodyAsJsonObject();
      assertEquals(200, r.statusCode(), costs.encode());
      assertTrue(costs.encode().contains("2025-02-01") && costs.encode().contains("2025-02-28"), "the default range is February: " + costs);
      assertEquals(0, charged[0].compareTo(new BigDecimal(costs.getValue("total_usd").toString())), "the report's total: " + costs);
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }
}
