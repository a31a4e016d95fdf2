package io.agentchat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetAlertsTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    // a tiny hold per turn, so only the real spend decides when the budget is reached
    c.getJsonObject("metering").put("budgetReservePerTurnMicroUsd", 1);
    return c;
  }

  @Test
  void alertsAtEachThresholdArriveOnceAndAtTheLimitTurnsAreRefused(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(u -> listen(u, "monitor.acme").compose(monitor ->
        api.post("/api/chat", u.idToken(), new JsonObject().put("message", "same question")).compose(first -> {
          BigDecimal turnCost = new BigDecimal(first.bodyAsJsonObject().getValue("cost_usd").toString());
          // three turns' worth: the second crosses 50%, the third 80% and 100%
          return api.budget(u, turnCost.multiply(BigDecimal.valueOf(3)).doubleValue());
        })
        .compose(b -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "same question")))
        .compose(r -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "same question")))
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return monitor.await(fs -> BridgeClient.bodies(fs, "budget_alert").size() >= 3);
        })
        .compose(fs -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "same question")).map(r -> {
          assertEquals(402, r.statusCode(), r.bodyAsString());
          assertEquals("budget_exceeded", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return fs;
        }))
        .compose(fs -> monitor.await(f2 -> BridgeClient.bodies(f2, "budget_refused").size() == 1).map(all -> {
          List<Integer> thresholds = BridgeClient.bodies(all, "budget_alert").stream().map(a -> a.getInteger("threshold")).sorted().toList();
          assertEquals(List.of(50, 80, 100), thresholds, "each threshold once");
          assertTrue(BridgeClient.bodies(all, "turn_finished").size() >= 3, "turns appear on the monitor");
          JsonObject finished = BridgeClient.bodies(all, "turn_finished").get(0);
          assertEquals(u.sub(), finished.getString("user_id"));
          assertTrue(finished.containsKey("latency_ms") && finished.containsKey("cost_usd"));
          return monitor;
        }))
        .compose(BridgeClient::close)))
        .onComplete(ctx.succeedingThenComplete());
  }

}
