package io.agentchat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

class OperationsTest extends AppTest {

  @Test
  void healthReadinessMetricsAndTheWebClient(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "hello")).map(r -> u))
        .compose(u -> api.get("/health", null).compose(h -> {
          assertEquals(200, h.statusCode());
          return api.get("/ready", null);
        }).compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertEquals("up", r.bodyAsJsonObject().getString("store"));
          return api.get("/metrics", null);
        }).compose(m -> {
          assertEquals(200, m.statusCode());
          String text = m.bodyAsString();
          assertTrue(text.contains("agentchat_tokens_total{direction=\"output\",tier=\"basic\"}"), "token counter by tier");
          assertTrue(text.contains("agentchat_turns_settled_total"), "turn counter");
          assertFalse(text.contains(u.sub()), "no user id in metrics");
          assertFalse(text.contains("acme"), "no tenant id in metrics");
          return api.get("/", null);
        }).compose(page -> {
          assertEquals(200, page.statusCode());
          assertTrue(page.bodyAsString().contains("<script type=\"module\" src=\"/js/app.js\""), "the web client is served");
          assertTrue(page.getHeader("Content-Security-Policy").contains("script-src 'self'"));
          assertEquals("no-cache", page.getHeader("Cache-Control"), "unversioned client files are revalidated");
          return api.get("/api/client-config", null);
        })).map(c -> {
          JsonObject cfg = c.bodyAsJsonObject();
          assertTrue(cfg.getBoolean("dev_mailbox"));
          assertEquals(50, cfg.getJsonObject("tiers").getJsonObject("basic").getInteger("daily_messages"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void subscriptionShowsTheTokensTier(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(u -> api.get("/api/tenants/acme/subscription", u.idToken()))
        .map(r -> {
          JsonObject s = r.bodyAsJsonObject();
          assertEquals("premium", s.getString("tier"));
          assertEquals(10, s.getJsonObject("limits").getInteger("concurrent_sessions"));
          assertEquals("forecast", s.getJsonObject("limits").getString("weather"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
