package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The audit log of a scripted sequence of an organisation's actions: complete, in order, isolated per tenant, filtered, as CSV. */
class AuditLogTest extends AppTest {
  private static final List<String> SCRIPT = List.of("sign_in", "sign_in_failed", "invite_created", "joined", "sign_in", "role_changed",
      "budget_changed", "api_key_created", "api_key_revoked", "role_changed", "member_removed", "signed_out_everywhere");

  private Future<JsonObject> log(User admin, String query) {
    return api.get("/api/admin/tenants/" + admin.tenant() + "/audit" + query, admin.idToken()).compose(r -> expect(r, 200));
  }

  @Test
  void anOrganisationsActionsAreAllInItsLogInOrderAndNowhereElse(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(ada -> api.signupAndLogin("bob@globex.test", "globex", "basic", null)
        .compose(bob -> api.post("/api/auth/login", new JsonObject().put("email", "ada@acme.test").put("password", "wrong password 1"))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.invite(ada))
            .compose(code -> api.signupAndLogin("max@acme.test", "acme", "premium", code))
            .compose(max -> api.put("/api/admin/tenants/acme/members/" + max.sub() + "/role", ada.idToken(), new JsonObject().put("admin", true))
                .compose(r -> expect(r, 200))
                .compose(v -> api.put("/api/admin/tenants/acme/budgets", ada.idToken(), new JsonObject().put("monthly_usd", 25)))
                .compose(r -> expect(r, 200))
                .compose(v -> api.post("/api/admin/tenants/acme/api-keys", ada.idToken(), new JsonObject().put("name", "ci").put("service_account", "ci")))
                .compose(r -> expect(r, 201))
                .compose(k -> api.client.delete("/api/admin/tenants/acme/api-keys/" + k.getString("id")).putHeader("Authorization", "Bearer " + ada.idToken())
                    .send()).compose(r -> expect(r, 200))
                .compose(v -> api.put("/api/admin/tenants/acme/members/" + max.sub() + "/role", ada.idToken(), new JsonObject().put("admin", false)))
                .compose(r -> expect(r, 200))
                .compose(v -> api.client.delete("/api/admin/tenants/acme/members/" + max.sub()).putHeader("Authorization", "Bearer " + ada.idToken()).send())
                .compose(r -> expect(r, 200))
                .compose(v -> api.post("/api/auth/logout-everywhere", ada.idToken(), new JsonObject())).compose(r -> expect(r, 200))
                .compose(v -> api.login("ada@acme.test", Api.PASSWORD))
                .compose(again -> Poll.until(vertx, () -> log(again, ""), l -> l.getJsonArray("entries").size() >= SCRIPT.size() + 1)
                    .compose(l -> {
                      List<JsonObject> entries = l.getJsonArray("entries").stream().map(JsonObject.class::cast).toList();
                      List<String> kinds = entries.stream().map(e -> e.getString("kind")).toList();
                      // newest first: the sign-in after signing out, then the script backwards
                      assertEquals("sign_in", kinds.get(0));
                      assertEquals(SCRIPT.size() + 1, kinds.size(), "nothing more: " + kinds);
                      List<String> script = new java.util.ArrayList<>(kinds.subList(1, SCRIPT.size() + 1));
                      java.util.Collections.reverse(script);
                      assertEquals(SCRIPT, script, "every action, in order: " + kinds);
                      JsonObject removed = entries.stream().filter(e -> e.getString("kind").equals("member_removed")).findFirst().orElseThrow();
                      assertEquals(ada.sub(), removed.getString("actor_user_id"));
                      assertEquals("ada@acme.test", removed.getString("actor_email"));
                      assertEquals(max.sub(), removed.getString("target"));
                      assertEquals("127.0.0.1", removed.getString("client_address"));
                      JsonObject failed = entries.stream().filter(e -> e.getString("kind").equals("sign_in_failed")).findFirst().orElseThrow();
                      assertEquals("ada@acme.test", failed.getString("actor_email"));
                      assertFalse(l.encode().contains("globex") || l.encode().contains("bob@"), "nothing of another tenant");
                      return log(again, "?kind=role_changed").compose(roles -> {
                        assertEquals(2, roles.getJsonArray("entries").size());
                        assertEquals("user", roles.getJsonArray("entries").getJsonObject(0).getJsonObject("detail").getString("role"));
                        return api.get("/api/admin/tenants/acme/audit?format=csv", again.idToken());
                      }).compose(csv -> {
                        assertEquals(200, csv.statusCode());
                        assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"));
                        List<String> lines = csv.bodyAsString().lines().toList();
                        assertEquals("at,kind,actor_user_id,actor_email,target,client_address,detail", lines.get(0));
                        assertEquals(entries.size() + 1, lines.size(), "one line an entry");
                        return log(bob, "");
                      }).compose(theirs -> {
                        assertFalse(theirs.encode().contains("acme"), "the other tenant's log holds its own only: " + theirs.encode());
                        return api.get("/api/admin/tenants/acme/audit", bob.idToken()).compose(r -> expectError(r, 404, "not_found"));
                      }).compose(v -> api.get("/api/admin/tenants/acme/audit?kind=everything", again.idToken()))
                      .compose(r -> expectError(r, 400, "invalid_request"));
                    }))))).onComplete(ctx.succeedingThenComplete());
  }
}
