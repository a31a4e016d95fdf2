package io.agentchat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.metering.Pricing;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every report against known usage: several users, services, models and days, with hand-computed totals. */
class ReportsTest extends AppTest {
  static final String FROM = "2026-10-01";
  static final String TO = "2026-10-31";
  private User admin;
  private User member;

  /** Usage of one turn on a given day: tokens of one model plus an invocation and tool actions. */
  private Future<Void> turn(User u, String turnId, String day, String model, long in, long out, long inNanos, long outNanos, int tools) {
    Instant at = Instant.parse(day + "T12:00:00Z");
    List<UsageEvent> events = new ArrayList<>();
    events.add(new UsageEvent(turnId + "/invocation", "acme", u.sub(), "s-" + u.sub(), turnId, UsageKind.INVOCATION, Pricing.AGENT_RUNTIME,
        "orchestration", 1, 1_000_000, false, at));
    events.add(new UsageEvent(turnId + "/input_tokens", "acme", u.sub(), "s-" + u.sub(), turnId, UsageKind.INPUT_TOKENS, Pricing.BEDROCK_MODELS,
        model, in, inNanos, false, at));
    events.add(new UsageEvent(turnId + "/output_tokens", "acme", u.sub(), "s-" + u.sub(), turnId, UsageKind.OUTPUT_TOKENS, Pricing.BEDROCK_MODELS,
        model, out, outNanos, false, at));
    if (tools == 2) {
      events.add(new UsageEvent(turnId + "/storage", "acme", u.sub(), "s-" + u.sub(), turnId, UsageKind.STORAGE_BYTES, Pricing.STORAGE, "conversation",
          4000, 1000, false, at));
    }
    for (int i = 0; i < tools; i++) {
      events.add(new UsageEvent(turnId + "/tool/" + i, "acme", u.sub(), "s-" + u.sub(), turnId, UsageKind.TOOL_ACTION, Pricing.TOOLS, "weather", 1,
          500_000, false, at));
    }
    return app.store().usage().reserveTurn(new ReserveRequest("acme", u.sub(), "s-" + u.sub(), turnId, turnId, "q", "d:" + day, "m:" + day.substring(0, 7),
            1000, 25000, at))
        .compose(r -> app.store().usage().settleTurn(new SettleRequest("acme", u.sub(), "s-" + u.sub(), turnId, "completed", "a", events, false, at)))
        .mapEmpty();
  }

  /**
   * Admin: 2 turns on Oct 1 (Haiku 1000/2000 tokens = 250,000 + 2,500,000 nanos; Sonnet 100/10 = 300,000 + 150,000) with 1 tool.
   * Member: 1 turn on Oct 3 (Haiku 400/400 = 100,000 + 500,000) with 2 tools and 4,000 bytes stored (1,000).
   */
  private Future<Void> knownUsage() {
    return api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(a -> {
      admin = a;
      return api.invite(a).compose(code -> api.signupAndLogin("mo@acme.test", "acme", null, code));
    }).compose(m -> {
      member = m;
      Instant now = Instant.now();
      return app.store().sessions().createSession(new io.agentchat.store.SessionRecord("acme", "s-" + admin.sub(), admin.sub(), "premium", now,
              now.plusSeconds(3600), null, 0), 10)
          .compose(s -> app.store().sessions().createSession(new io.agentchat.store.SessionRecord("acme", "s-" + member.sub(), member.sub(), "premium", now,
              now.plusSeconds(3600), null, 0), 10));
    }).compose(v -> {
      return turn(admin, "t-a1", "2026-10-01", "anthropic.claude-3-haiku-20240307-v1:0", 1000, 2000, 250_000, 2_500_000, 1);
    }).compose(v -> turn(admin, "t-a2", "2026-10-01", "anthropic.claude-3-5-sonnet-20240620-v1:0", 100, 10, 300_000, 150_000, 0))
        .compose(v -> turn(member, "t-m1", "2026-10-03", "anthropic.claude-3-haiku-20240307-v1:0", 400, 400, 100_000, 500_000, 2));
  }

  // hand-computed totals (nano-dollars)
  static final long ADMIN_MODELS = 250_000 + 2_500_000 + 300_000 + 150_000;
  static final long ADMIN_RUNTIME = 2_000_000;
  static final long ADMIN_TOOLS = 500_000;
  static final long MEMBER_MODELS = 600_000;
  static final long MEMBER_RUNTIME = 1_000_000;
  static final long MEMBER_TOOLS = 1_000_000;
  static final long ADMIN_TOTAL = ADMIN_MODELS + ADMIN_RUNTIME + ADMIN_TOOLS;
  static final long MEMBER_STORAGE = 1000;
  static final long MEMBER_TOTAL = MEMBER_MODELS + MEMBER_RUNTIME + MEMBER_TOOLS + MEMBER_STORAGE;
  static final long TOTAL = ADMIN_TOTAL + MEMBER_TOTAL;

  private static BigDecimal usd(long nanos) {
    return BigDecimal.valueOf(nanos, 9);
  }

  private static void assertUsd(long nanos, Object value) {
    assertUsd(nanos, value, "");
  }

  private static void assertUsd(long nanos, Object value, String why) {
    assertEquals(0, usd(nanos).compareTo(new BigDecimal(value.toString())), why + ": expected " + usd(nanos) + " got " + value);
  }

  private Future<HttpResponse<Buffer>> get(User u, String path) {
    return api.get(path + (path.contains("?") ? "&" : "?") + "from=" + FROM + "&to=" + TO, u.idToken());
  }

  private Future<JsonObject> json(User u, String path) {
    return get(u, path).map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    });
  }

  private Future<List<String[]>> csv(User u, String path) {
    return get(u, path + "?format=csv").map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertTrue(r.getHeader("Content-Type").startsWith("text/csv"));
      return r.bodyAsString().lines().map(l -> l.split(",", -1)).toList();
    });
  }

  @Test
  void everyReportMatchesHandComputedTotalsAndCsvAgrees(VertxTestContext ctx) {
    String base = "/api/admin/tenants/acme/";
    knownUsage()
        .compose(v -> json(admin, base + "overall-cost")).compose(o -> {
          assertUsd(TOTAL, o.getValue("total_usd"));
          assertUsd(ADMIN_MODELS + MEMBER_MODELS, o.getJsonObject("services").getValue("bedrock_models"));
          assertUsd(ADMIN_RUNTIME + MEMBER_RUNTIME, o.getJsonObject("services").getValue("agent_runtime"));
          assertUsd(ADMIN_TOOLS + MEMBER_TOOLS, o.getJsonObject("services").getValue("tools"));
          assertUsd(MEMBER_STORAGE, o.getJsonObject("services").getValue("storage"));
          assertEquals(3, o.getInteger("turns"));
          assertEquals(1500, o.getLong("input_tokens"));
          return csv(admin, base + "overall-cost").map(rows -> {
            assertEquals("total_usd", rows.get(0)[5]);
            assertUsd(TOTAL, rows.get(1)[5]);
            assertUsd(ADMIN_MODELS + MEMBER_MODELS, rows.get(1)[1]);
            return null;
          });
        })
        .compose(v -> json(admin, base + "per-user-cost")).compose(p -> {
          JsonArray users = p.getJsonArray("users");
          assertEquals(admin.sub(), users.getJsonObject(0).getString("user_id"), "most expensive first");
          assertUsd(ADMIN_TOTAL, users.getJsonObject(0).getValue("cost_usd"));
          assertUsd(MEMBER_TOTAL, users.getJsonObject(1).getValue("cost_usd"));
          assertEquals("mo@acme.test", users.getJsonObject(1).getString("email"));
          assertEquals(2, users.getJsonObject(0).getInteger("turns"));
          return csv(admin, base + "per-user-cost").map(rows -> {
            assertEquals(3, rows.size());
            assertUsd(MEMBER_TOTAL, rows.get(2)[2]);
            return null;
          });
        })
        .compose(v -> json(admin, base + "service-wise-cost")).compose(s -> {
          JsonArray series = s.getJsonArray("series");
          assertEquals(2, series.size(), "two days with usage");
          assertEquals("2026-10-01", series.getJsonObject(0).getString("period"));
          assertUsd(ADMIN_TOTAL, series.getJsonObject(0).getValue("total_usd"));
          assertUsd(MEMBER_TOOLS, series.getJsonObject(1).getValue("tools"));
          return json(admin, base + "service-wise-cost?granularity=month");
        }).compose(s -> {
          assertEquals("2026-10", s.getJsonArray("series").getJsonObject(0).getString("period"));
          assertUsd(TOTAL, s.getJsonArray("series").getJsonObject(0).getValue("total_usd"));
          return json(admin, base + "users/" + member.sub() + "/service-cost");
        }).compose(u -> {
          assertUsd(MEMBER_TOTAL, u.getValue("total_usd"));
          assertUsd(MEMBER_TOOLS, u.getJsonObject("services").getValue("tools"));
          return json(admin, base + "comprehensive-report");
        }).compose(c -> {
          assertUsd(TOTAL, c.getJsonObject("totals").getValue("cost_usd"));
          JsonArray models = c.getJsonArray("models");
          assertEquals(2, models.size());
          JsonObject haiku = models.getJsonObject(0);
          assertEquals("anthropic.claude-3-haiku-20240307-v1:0", haiku.getString("model"));
          assertEquals(1400, haiku.getLong("input_tokens"));
          assertEquals(2400, haiku.getLong("output_tokens"));
          JsonArray top = c.getJsonArray("top_turns");
          assertEquals("t-a1", top.getJsonObject(0).getString("turn_id"), "the most expensive turn first");
          assertEquals("/api/tenants/acme/turns/t-a1/trace", top.getJsonObject(0).getString("trace_url"));
          assertEquals(3, c.getJsonArray("tools").getJsonObject(0).getInteger("actions"));
          return csv(admin, base + "comprehensive-report").map(rows -> {
            String[] total = rows.stream().filter(r -> r[0].equals("total")).findFirst().orElseThrow();
            assertUsd(TOTAL, total[6]);
            return null;
          });
        })
        .compose(v -> json(member, "/api/tenants/acme/costs")).compose(mine -> {
          assertUsd(MEMBER_TOTAL, mine.getValue("total_usd"), "a user sees their own costs");
          return json(admin, "/api/tenants/acme/costs");
        }).compose(all -> {
          assertUsd(TOTAL, all.getValue("total_usd"), "an admin sees the tenant's");
          return get(member, "/api/tenants/acme/users/" + admin.sub() + "/costs");
        }).compose(r -> {
          assertEquals(404, r.statusCode(), "a member cannot see another member's costs");
          return json(admin, "/api/tenants/acme/users/" + member.sub() + "/costs");
        }).compose(r -> {
          assertUsd(MEMBER_TOTAL, r.getValue("total_usd"));
          return app.store().reports().rebuildRollups("acme", FROM, TO);
        }).compose(n -> {
          assertEquals(8L, n, "one rollup per user, day, service and model");
          return json(admin, base + "overall-cost");
        }).map(o -> {
          assertUsd(TOTAL, o.getValue("total_usd"), "rollups rebuilt from events give the same numbers");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void adminReportsAreGuarded(VertxTestContext ctx) {
    knownUsage()
        .compose(v -> api.signupAndLogin("bob@beta.test", "beta", "premium", null))
        .compose(bob -> get(bob, "/api/admin/tenants/acme/overall-cost").compose(r -> {
          assertEquals(404, r.statusCode(), "another tenant's report: not found");
          return get(bob, "/api/tenants/acme/costs");
        })).compose(r -> {
          assertEquals(404, r.statusCode());
          return get(member, "/api/admin/tenants/acme/overall-cost");
        }).compose(r -> {
          assertEquals(403, r.statusCode(), "a member is not an admin");
          assertEquals("forbidden", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.signupAndLogin("cy@gamma.test", "gamma", "basic", null);
        }).compose(basicAdmin -> get(basicAdmin, "/api/admin/tenants/gamma/comprehensive-report")).compose(r -> {
          assertEquals(403, r.statusCode());
          JsonObject e = r.bodyAsJsonObject().getJsonObject("error");
          assertEquals("upgrade_required", e.getString("code"));
          assertTrue(e.getString("message").contains("premium"), e.getString("message"));
          return api.get("/api/admin/tenants/acme/overall-cost?from=2026-10-05&to=2026-10-01", admin.idToken());
        }).map(r -> {
          assertEquals(400, r.statusCode(), "a backwards range is refused");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void adminsManageMembersAndTheirGroup(VertxTestContext ctx) {
    knownUsage()
        .compose(v -> api.get("/api/admin/my-tenants", admin.idToken())).compose(r -> {
          assertEquals("acme", r.bodyAsJsonObject().getJsonArray("tenants").getJsonObject(0).getString("tenant_id"));
          return api.post("/api/admin/add-to-group", member.idToken(), new JsonObject().put("user_id", admin.sub()));
        }).compose(r -> {
          assertEquals(403, r.statusCode(), "a member cannot grant roles");
          return api.post("/api/admin/add-to-group", admin.idToken(), new JsonObject().put("user_id", member.sub()).put("group", "beta-admins"));
        }).compose(r -> {
          assertEquals(404, r.statusCode(), "only the own tenant's group");
          return api.post("/api/admin/add-to-group", admin.idToken(), new JsonObject().put("email", "mo@acme.test").put("group", "acme-admins"));
        }).compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return api.login("mo@acme.test", Api.PASSWORD);
        }).map(again -> {
          assertEquals(new JsonArray().add("acme-admins"), again.claims().getJsonArray("cognito:groups"), "the next token carries the group");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

}
