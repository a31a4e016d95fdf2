package io.agentchat.metering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * Each message holds $0.05 (the default hold) against the budgets until its cost is known: a budget saved below that, or
 * with less than a hold left, is accepted with a warning saying so, and the refusal explains the hold.
 */
class BudgetHoldTest extends AppTest {

  private Future<JsonObject> save(User admin, JsonObject body) {
    return api.put("/api/admin/tenants/" + admin.tenant() + "/budgets", admin.idToken(), body).compose(r -> Api.expect(r, 200));
  }

  private static String warning(JsonObject saved) {
    return saved.getString("warning");
  }

  @Test
  void aBudgetBelowTheHoldIsSavedWithAWarningAndTheRefusalExplainsTheHold(VertxTestContext ctx) {
    api.signupAndLogin("ann@acme.test", "acme", "premium", null).compose(admin -> api.budget(admin, 0.03).compose(saved -> {
      String w = warning(saved);
      assertTrue(w != null && w.contains("holds $0.05 until its cost is known") && w.contains("refuses every message"), saved.encode());
      assertEquals(0, new BigDecimal("0.03").compareTo(new BigDecimal(saved.getJsonArray("budgets").getJsonObject(0).getValue("monthly_usd")
          .toString())), "the budget is saved all the same: " + saved.encode());
      return api.post("/api/chat", admin.idToken(), new JsonObject().put("message", "hello"));
    }).compose(r -> Api.expectError(r, 402, "budget_exceeded")).compose(e -> {
      String m = e.getJsonObject("error").getString("message");
      assertTrue(m.contains("$0.03") && m.contains("$0.00 is spent") && m.contains("each message holds $0.05 until its cost is known"), m);
      return api.budget(admin, 10);
    }).compose(saved -> {
      assertFalse(saved.containsKey("warning"), "room for many messages: " + saved.encode());
      return api.chat(admin, "hello");
    }).compose(turn -> {
      BigDecimal spent = new BigDecimal(turn.getValue("cost_usd").toString());
      // room for two holds and a bit after what is spent
      return api.budget(admin, spent.add(new BigDecimal("0.12")).doubleValue()).compose(saved -> {
        assertTrue(warning(saved) != null && warning(saved).contains("roughly 2 more messages"), saved.encode());
        return api.budget(admin, 0.05); // one hold, but some of it is spent
      });
    }).compose(saved -> {
      String w = warning(saved);
      assertTrue(w != null && w.contains("already spent this month") && w.contains("refuses new messages"), saved.encode());
      return api.post("/api/chat", admin.idToken(), new JsonObject().put("message", "hello"));
    }).compose(r -> Api.expectError(r, 402, "budget_exceeded"))
        .compose(e -> save(admin, new JsonObject().put("monthly_usd", null))).compose(saved -> {
          assertFalse(saved.containsKey("warning"), "a removed budget warns of nothing: " + saved.encode());
          assertTrue(saved.getJsonArray("budgets").isEmpty(), saved.encode());
          return api.get("/api/admin/tenants/acme/per-user-cost", admin.idToken()).compose(r -> Api.expect(r, 200))
              .map(report -> {
                // without a budget, the organisation's spend this month is still there, the reports' number
                double reported = report.getJsonArray("users").stream().map(JsonObject.class::cast).mapToDouble(u -> u.getDouble("cost_usd")).sum();
                assertTrue(reported > 0, report.encode());
                assertEquals(reported, saved.getDouble("tenant_spent_usd"), 1e-9, saved.encode());
                return null;
              });
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aMembersBudgetBelowTheHoldWarnsAndRefusesThatMember(VertxTestContext ctx) {
    api.signupAndLogin("ann@acme.test", "acme", "premium", null).compose(admin -> api.invite(admin)
        .compose(code -> api.signupAndLogin("bob@acme.test", "acme", "premium", code))
        .compose(bob -> save(admin, new JsonObject().put("monthly_usd", 0).put("user_id", bob.sub())).compose(saved -> {
          assertTrue(warning(saved) != null && warning(saved).contains("refuses every message"), saved.encode());
          return api.post("/api/chat", bob.idToken(), new JsonObject().put("message", "hello"));
        }).compose(r -> Api.expectError(r, 402, "budget_exceeded")).compose(e -> {
          String m = e.getJsonObject("error").getString("message");
          assertTrue(m.startsWith("Your monthly budget is used up: of its $0.00") && m.contains("holds $0.05"), m);
          return api.chat(admin, "the admin has no budget of their own");
        })))
        .onComplete(ctx.succeedingThenComplete());
  }
}
