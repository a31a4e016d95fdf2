package io.agentchat.metering;

import static io.agentchat.support.Api.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.store.Periods;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.ClockedAppTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Admission is exact at every limit at once: 200 concurrent requests from four users of one tenant, each near a different
 * limit (daily messages, monthly messages, concurrent sessions, a monthly budget), across a UTC midnight. The agent is
 * made so slow that no turn finishes during the test, so every budget hold is still in place and the counts are exact.
 */
class ExactLimitsTest extends ClockedAppTest {
  private static final Instant BEFORE_MIDNIGHT = Instant.parse("2026-03-14T23:59:59.900Z");
  private static final Instant AFTER_MIDNIGHT = Instant.parse("2026-03-15T00:00:00.100Z");
  private final Map<String, User> users = new HashMap<>();
  private final Map<String, BridgeClient> sockets = new HashMap<>();
  private final Map<String, String> sessionIds = new HashMap<>();

  ExactLimitsTest() {
    super(BEFORE_MIDNIGHT);
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    Path tiers = dir.resolve("tiers.json");
    try {
      Files.writeString(tiers, new JsonObject().put("exact", new JsonObject().put("daily_messages", 20).put("monthly_messages", 30)
          .put("concurrent_sessions", 3).put("weather", "none").put("admin_reports", false).put("session_minutes", 600)).encode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    c.getJsonObject("tiers").put("file", tiers.toString());
    // a reply that takes minutes: nothing settles while the test runs
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 60_000);
    c.getJsonObject("http").put("maxHandlersPerSocket", 200);
    return c;
  }

  /** {@code n} chat.send requests at once on one socket; completes with the count of each outcome ("accepted" or an error code). */
  private Future<Map<String, Integer>> burst(String name, String prefix, int n) {
    BridgeClient b = sockets.get(name);
    User u = users.get(name);
    List<Future<String>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(b.request("chat.send", u.idToken(), new JsonObject().put("session_id", sessionIds.get(name)).put("message", "hello " + i)
              .put("request_id", prefix + i))
          .map(r -> "accepted").recover(t -> Future.succeededFuture(t instanceof BridgeError e ? e.code() : t.toString())));
    }
    return Future.all(all).map(cf -> {
      Map<String, Integer> counts = new HashMap<>();
      all.forEach(f -> counts.merge(f.result(), 1, Integer::sum));
      return counts;
    });
  }

  @Test
  void twoHundredConcurrentRequestsNearEveryLimitAreAdmittedExactly(VertxTestContext ctx) {
    api.signupAndLogin("daily@acme.test", "acme", "exact", null).compose(admin -> {
      users.put("daily", admin);
      Future<Void> chain = Future.succeededFuture();
      for (String name : List.of("monthly", "sessions", "budget")) {
        chain = chain.compose(v -> api.invite(admin).compose(code -> api.signupAndLogin(name + "@acme.test", "acme", "exact", code))
            .map(u -> {
              users.put(name, u);
              return null;
            }));
      }
      return chain;
    }).compose(v -> api.client.put("/api/admin/tenants/acme/budgets").putHeader("Authorization", "Bearer " + users.get("daily").idToken())
        .sendJsonObject(new JsonObject().put("monthly_usd", 0.5).put("user_id", users.get("budget").sub())))
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          Future<Void> chain = Future.succeededFuture();
          for (String name : List.of("daily", "monthly", "budget")) {
            // one open session each, named in every send
            chain = chain.compose(v -> api.newSession(users.get(name))).compose(s -> BridgeClient.connect(vertx, app.httpPort()).map(b -> {
              sessionIds.put(name, s.getString("session_id"));
              sockets.put(name, b);
              return null;
            }));
          }
          return chain;
        })
        // yesterday, a tenth of a second before midnight: 15 of the monthly user's 30 messages
        .compose(v -> burst("monthly", "yesterday-", 15))
        .compose(yesterday -> {
          assertEquals(Map.of("accepted", 15), yesterday);
          clock.set(AFTER_MIDNIGHT);
          Future<Map<String, Integer>> daily = burst("daily", "d-", 50);
          Future<Map<String, Integer>> monthly = burst("monthly", "m-", 50);
          Future<Map<String, Integer>> budget = burst("budget", "b-", 50);
          List<Future<HttpResponse<Buffer>>> sessions = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            sessions.add(api.post("/api/sessions", users.get("sessions").idToken(), new JsonObject()));
          }
          return Future.all(daily, monthly, budget, Future.all(sessions)).map(all -> {
            assertEquals(Map.of("accepted", 20, "quota_exceeded", 30), daily.result(), "20 a day");
            assertEquals(Map.of("accepted", 15, "quota_exceeded", 35), monthly.result(), "15 left of 30 this month");
            assertEquals(Map.of("accepted", 10, "budget_exceeded", 40), budget.result(), "$0.50 holds ten turns of $0.05");
            long opened = sessions.stream().filter(f -> f.result().statusCode() == 201).count();
            long refused = sessions.stream().filter(f -> f.result().statusCode() == 409 && errorCode(f.result()).equals("session_limit")).count();
            assertEquals(3, opened, "3 concurrent sessions");
            assertEquals(47, refused);
            return null;
          });
        })
        .compose(v -> {
          String today = Periods.dayKey(AFTER_MIDNIGHT);
          String yesterday = Periods.dayKey(BEFORE_MIDNIGHT);
          String month = Periods.monthKey(AFTER_MIDNIGHT);
          return app.store().usage().quotaUsage("acme", users.get("monthly").sub(), yesterday, month, AFTER_MIDNIGHT).compose(q -> {
            assertEquals(15, q.dailyUsed(), "the turns admitted at 23:59:59.9 count in the day they were admitted");
            assertEquals(30, q.monthlyUsed());
            return app.store().usage().quotaUsage("acme", users.get("monthly").sub(), today, month, AFTER_MIDNIGHT);
          }).compose(q -> {
            assertEquals(15, q.dailyUsed(), "and only once: today holds just today's");
            return app.store().usage().quotaUsage("acme", users.get("daily").sub(), today, month, AFTER_MIDNIGHT);
          }).compose(q -> {
            assertEquals(20, q.dailyUsed());
            return app.store().usage().quotaUsage("acme", users.get("budget").sub(), today, month, AFTER_MIDNIGHT);
          }).map(q -> {
            assertEquals(10, q.dailyUsed());
            return null;
          });
        })
        .compose(v -> Future.all(sockets.values().stream().map(BridgeClient::close).toList()))
        .onComplete(ctx.succeedingThenComplete());
  }
}
