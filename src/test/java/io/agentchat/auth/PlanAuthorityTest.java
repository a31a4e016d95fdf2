package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan admission applies is the organisation's current one in the store, whatever a token says: an operator's
 * downgrade or upgrade holds from the next turn, under concurrency too; a suspension refuses turns and closes sockets.
 */
class PlanAuthorityTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    TestApp.withTiers(c, dir, t -> {
      t.getJsonObject("basic").put("daily_messages", 2);
      t.getJsonObject("premium").put("daily_messages", 5);
    });
    c.getJsonObject("auth").getJsonObject("local").put("operators", new JsonArray().add("op@ops-team.test"));
    return c;
  }

  private Future<HttpResponse<Buffer>> plan(User op, String tenant, String tier) {
    return api.put("/api/operator/tenants/" + tenant + "/plan", op.idToken(), new JsonObject().put("subscription_tier", tier));
  }

  private Future<List<HttpResponse<Buffer>>> burst(User u, int n) {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(api.post("/api/chat", u.idToken(), new JsonObject().put("message", "burst " + i)));
    }
    return Future.all(all).map(cf -> all.stream().map(Future::result).toList());
  }

  @Test
  void aDowngradeAndAnUpgradeHoldFromTheNextTurnWhateverTheTokenSays(VertxTestContext ctx) {
    api.signupAndLogin("op@ops-team.test", "ops-team", "basic", null).compose(op -> api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(ada -> api.chat(ada, "one").compose(v -> api.chat(ada, "two"))
            .compose(v -> plan(ada, "acme", "premium")).compose(r -> expectError(r, 403, "forbidden")) // an admin is no operator
            .compose(v -> plan(op, "nowhere", "basic")).compose(r -> expectError(r, 404, "not_found"))
            .compose(v -> plan(op, "acme", "gold")).compose(r -> expectError(r, 400, "invalid_request"))
            .compose(v -> plan(op, "acme", "basic")).compose(r -> expect(r, 200))
            .compose(v -> api.get("/api/tenants/acme/subscription", ada.idToken())).compose(r -> expect(r, 200))
            .compose(sub -> {
              assertEquals("basic", sub.getString("tier"), "the old token (premium in its claim) is answered with the current plan");
              return burst(ada, 10);
            })
            .compose(rs -> {
              assertEquals(0, rs.stream().filter(r -> r.statusCode() == 200).count(), "basic's 2 messages are used: none of 10 admitted");
              rs.forEach(r -> assertEquals("quota_exceeded", io.agentchat.support.Api.errorCode(r)));
              return plan(op, "acme", "premium").compose(r -> expect(r, 200));
            })
            .compose(v -> burst(ada, 10))
            .compose(rs -> {
              assertEquals(3, rs.stream().filter(r -> r.statusCode() == 200).count(), "premium's 5 a day: exactly 3 more of 10 admitted");
              return Poll.until(vertx, () -> api.get("/api/admin/tenants/acme/audit?kind=plan_changed", ada.idToken()).compose(r -> expect(r, 200)),
                  l -> l.getJsonArray("entries").size() == 2);
            })
            .map(l -> {
              assertEquals("op@ops-team.test", l.getJsonArray("entries").getJsonObject(0).getString("actor_email"), "who changed it");
              return null;
            }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSuspendedOrganisationsTurnsAreRefusedAndItsSocketsClosedUntilItIsResumed(VertxTestContext ctx) {
    api.signupAndLogin("op@ops-team.test", "ops-team", "basic", null).compose(op -> api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(ada -> listen(ada).compose(socket -> socket.request("chat.cancel", ada.idToken(), new JsonObject().put("turn_id", "none"))
                .transform(ar -> api.post("/api/operator/tenants/acme/suspend", op.idToken(), new JsonObject())).compose(r -> expect(r, 200))
                .compose(s -> {
                  assertEquals("suspended", s.getString("status"));
                  return socket.closed();
                }))
            .compose(v -> api.post("/api/chat", ada.idToken(), new JsonObject().put("message", "hello")))
            .compose(r -> expectError(r, 403, "tenant_suspended"))
            .compose(e -> {
              assertTrue(e.getJsonObject("error").getString("message").contains("suspended"), "the admins are told why");
              return api.get("/api/tenants/acme/subscription", ada.idToken()).compose(r -> expect(r, 200));
            })
            .compose(sub -> {
              assertEquals("suspended", sub.getString("status"));
              return api.post("/api/operator/tenants/acme/resume", op.idToken(), new JsonObject()).compose(r -> expect(r, 200));
            })
            .compose(v -> api.chat(ada, "back again"))
            .compose(v -> api.post("/api/operator/tenants/acme/suspend", ada.idToken(), new JsonObject()))
            .compose(r -> expectError(r, 403, "forbidden")).mapEmpty())).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void operatorsListEveryOrganisationAndReadAnyOnesAuditLogAndNobodyElseDoes(VertxTestContext ctx) {
    api.signupAndLogin("op@ops-team.test", "ops-team", "basic", null).compose(op -> api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(ada -> api.chat(ada, "hello")
            .compose(v -> api.post("/api/operator/tenants/acme/suspend", op.idToken(), new JsonObject())).compose(r -> expect(r, 200))
            .compose(v -> api.get("/api/operator/tenants", op.idToken())).compose(r -> expect(r, 200))
            .compose(list -> {
              JsonObject acme = list.getJsonArray("tenants").stream().map(JsonObject.class::cast)
                  .filter(t -> t.getString("tenant_id").equals("acme")).findFirst().orElseThrow();
              assertEquals("premium", acme.getString("subscription_tier"));
              assertEquals("suspended", acme.getString("status"));
              assertEquals(1, acme.getInteger("members"));
              assertTrue(acme.getDouble("spent_usd") > 0, "this month's spend: " + acme.encode());
              assertEquals(2, list.getJsonArray("tenants").size(), "every organisation: " + list.encode());
              return api.get("/api/operator/tenants", ada.idToken());
            })
            .compose(r -> expectError(r, 403, "forbidden")) // an organisation's admin is no operator
            .compose(v -> Poll.until(vertx, () -> api.get("/api/admin/tenants/acme/audit?kind=suspended", op.idToken()).compose(r -> expect(r, 200)),
                l -> l.getJsonArray("entries").size() == 1))
            .compose(v -> api.get("/api/admin/tenants/ops-team/audit", ada.idToken()))
            .compose(r -> expectError(r, 404, "not_found"))
            .compose(v -> api.get("/api/operator/tenants/acme/export", ada.idToken())).compose(r -> expectError(r, 403, "forbidden"))
            .compose(v -> api.get("/api/operator/tenants/nowhere/export", op.idToken())).compose(r -> expectError(r, 404, "not_found"))
            .compose(v -> api.get("/api/operator/tenants/acme/export", op.idToken()))
            .compose(r -> {
              assertEquals(200, r.statusCode(), r.bodyAsString());
              assertEquals("application/zip", r.getHeader("Content-Type"));
              java.util.Map<String, String> files = unzip(r.body().getBytes());
              assertEquals(java.util.Set.of("organisation.json", "members.csv", "conversations.json", "usage-daily.csv", "api-keys.csv", "audit.csv"),
                  files.keySet());
              assertTrue(files.get("members.csv").contains("ada@acme.test"));
              assertTrue(files.get("conversations.json").contains("hello"), "the chats with their messages");
              assertTrue(files.get("usage-daily.csv").lines().count() > 1, "the usage");
              assertTrue(files.values().stream().noneMatch(f -> f.contains("ops-team") && !files.get("audit.csv").equals(f)),
                  "nothing of another organisation (the operator's own address is only in the audit of what they did)");
              return Poll.until(vertx, () -> api.get("/api/admin/tenants/acme/audit?kind=exported", op.idToken()).compose(x -> expect(x, 200)),
                  l -> l.getJsonArray("entries").size() == 1);
            }).mapEmpty())).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anErasedOrganisationsSignInsAreRefusedItsAddressesFreedAndItsLedgerAndLogKept(VertxTestContext ctx) {
    api.signupAndLogin("op@ops-team.test", "ops-team", "basic", null).compose(op -> api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(ada -> api.chat(ada, "hello")
            .compose(v -> api.client.delete("/api/operator/tenants/acme").putHeader("Authorization", "Bearer " + ada.idToken()).send())
            .compose(r -> expectError(r, 403, "forbidden"))
            .compose(v -> api.client.delete("/api/operator/tenants/acme").putHeader("Authorization", "Bearer " + op.idToken()).send())
            .compose(r -> expect(r, 200))
            .compose(v -> api.client.delete("/api/operator/tenants/acme").putHeader("Authorization", "Bearer " + op.idToken()).send())
            .compose(r -> expectError(r, 404, "not_found")) // erased once
            .compose(v -> api.get("/api/tenants/acme/usage", ada.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "ada@acme.test").put("password", io.agentchat.support.Api.PASSWORD)))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.get("/api/operator/tenants", op.idToken())).compose(r -> expect(r, 200))
            .compose(list -> {
              JsonObject acme = list.getJsonArray("tenants").stream().map(JsonObject.class::cast)
                  .filter(t -> t.getString("tenant_id").equals("acme")).findFirst().orElseThrow();
              assertEquals("erased", acme.getString("status"));
              assertTrue(acme.getDouble("spent_usd") > 0, "the ledger is kept: " + acme.encode());
              return Poll.until(vertx, () -> api.get("/api/admin/tenants/acme/audit?kind=deleted", op.idToken()).compose(r -> expect(r, 200)),
                  l -> l.getJsonArray("entries").size() == 1);
            })
            // the address is free for a new account
            .compose(v -> api.signupAndLogin("ada@acme.test", "newco", "basic", null)).mapEmpty())).onComplete(ctx.succeedingThenComplete());
  }

  private static java.util.Map<String, String> unzip(byte[] zip) {
    java.util.Map<String, String> out = new java.util.HashMap<>();
    try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
      for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        out.put(e.getName(), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
