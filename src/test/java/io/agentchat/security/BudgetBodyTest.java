package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

/**
 * A budget edit with a misspelt, unknown or missing field is refused with 400 naming the field and changes nothing; only an
 * explicit {@code "monthly_usd": null} removes a budget.
 */
class BudgetBodyTest extends AppTest {

  private Future<HttpResponse<Buffer>> put(User admin, String body) {
    return api.client.put("/api/admin/tenants/" + admin.tenant() + "/budgets").putHeader("Authorization", "Bearer " + admin.idToken())
        .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
  }

  private Future<JsonArray> budgets(User admin) {
    return api.get("/api/admin/tenants/" + admin.tenant() + "/budgets", admin.idToken()).map(r -> r.bodyAsJsonObject().getJsonArray("budgets"));
  }

  private static void refused(HttpResponse<Buffer> r, String naming) {
    assertEquals(400, r.statusCode(), r.bodyAsString());
    assertEquals("invalid_request", Api.errorCode(r));
    assertTrue(r.bodyAsJsonObject().getJsonObject("error").getString("message").contains(naming), r.bodyAsString());
  }

  @Test
  void onlyAnExplicitNullRemovesABudgetAndBadBodiesChangeNothing(VertxTestContext ctx) {
    api.signupAndLogin("ann@acme.test", "acme", "premium", null).compose(admin -> put(admin, "{\"monthly_usd\":0.5}").compose(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return put(admin, "{\"monthlyUsd\":0.1}");
    }).compose(r -> {
      refused(r, "monthlyUsd");
      return put(admin, "{}");
    }).compose(r -> {
      refused(r, "monthly_usd");
      return put(admin, "{\"userId\":\"" + admin.sub() + "\",\"monthly_usd\":0}");
    }).compose(r -> {
      refused(r, "userId");
      return put(admin, "{\"monthly_usd\":1e400}");
    }).compose(r -> {
      refused(r, "monthly_usd");
      return budgets(admin);
    }).compose(list -> {
      assertEquals(1, list.size(), "still one budget: " + list);
      JsonObject tenant = list.getJsonObject(0);
      assertEquals("tenant", tenant.getString("scope"));
      assertEquals(0, new java.math.BigDecimal("0.5").compareTo(new java.math.BigDecimal(tenant.getValue("monthly_usd").toString())),
          "unchanged by the refused edits: " + tenant);
      return put(admin, "{\"monthly_usd\":null}");
    }).compose(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return budgets(admin);
    }).map(list -> {
      assertTrue(list.isEmpty(), "removed by the explicit null: " + list);
      return null;
    })).onComplete(ctx.succeedingThenComplete());
  }
}
