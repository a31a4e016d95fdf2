package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.CognitoLocal;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cognito mode against cognito-local: the /api/auth facade, tokens from the pool, the bridge, invites and admin groups. */
class CognitoFlowTest extends AppTest {
  private static CognitoLocal cognito;
  private CognitoLocal.Pool pool;

  @BeforeAll
  static void startCognito() {
    // the Admin* calls are SigV4-signed with the default credentials chain: the build's static dummy credentials
    // (cognito-local checks no signature)
    cognito = CognitoLocal.start();
  }

  @AfterAll
  static void stopCognito() {
    if (cognito != null) {
      cognito.close();
    }
  }

  @Override
  protected JsonObject config(Path dir) {
    // a fresh pool per test, so that e-mail addresses and tenants do not collide
    pool = cognito.createPool();
    JsonObject json = TestApp.config(dir);
    JsonObject auth = json.getJsonObject("auth");
    pool.authConfig().forEach(e -> auth.put(e.getKey(), e.getValue()));
    return json;
  }

  /** Sign-up, confirmation with cognito-local's fixed code, login. */
  private Future<User> signupAndLogin(String email, String tenant, String tier, String invite) {
    return api.signupAndLogin(email, tenant, tier, invite, () -> Future.succeededFuture(CognitoLocal.CODE));
  }

  @Test
  void signupConfirmLoginChatOverTheBridgeAndUsageIsTheTenants(VertxTestContext ctx) {
    api.signup("ada@acme.test", "acme", "basic", null).compose(r -> expect(r, 201)).compose(s -> {
          assertTrue(s.getBoolean("tenant_created"));
          assertTrue(s.getBoolean("confirmation_required"));
          return api.post("/api/auth/login", new JsonObject().put("email", "ada@acme.test").put("password", Api.PASSWORD));
        })
        .compose(r -> expectError(r, 403, "user_not_confirmed"))
        .compose(v -> api.get("/api/dev/mailbox/ada@acme.test", null)).compose(r -> expect(r, 404))
        .compose(v -> api.post("/api/auth/confirm", new JsonObject().put("email", "ada@acme.test").put("code", "000000")))
        .compose(r -> expectError(r, 400, "invalid_code"))
        .compose(v -> api.post("/api/auth/confirm", new JsonObject().put("email", "ada@acme.test").put("code", CognitoLocal.CODE)))
        .compose(r -> expect(r, 200))
        .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "ada@acme.test").put("password", "wrong password")))
        .compose(r -> expectError(r, 401, "invalid_credentials"))
        .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "ada@acme.test").put("password", Api.PASSWORD)))
        .compose(r -> expect(r, 200))
        .compose(t -> {
          assertEquals("Bearer", t.getString("token_type"));
          assertTrue(t.getInteger("expires_in") > 0, "expires_in from the token's exp when Cognito answers none");
          JsonObject claims = Api.claims(t.getString("id_token"));
          assertEquals(pool.issuer(), claims.getString("iss"));
          assertEquals("acme", claims.getString("custom:tenant_id"));
          assertEquals("basic", claims.getString("custom:subscription_tier"));
          assertTrue(claims.getJsonArray("cognito:groups", new JsonArray()).contains("acme-admins"), "the first user is the admin");
          User ada = new User("ada@acme.test", t.getString("id_token"), t.getString("refresh_token"), claims);
          return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", ada.refreshToken())).compose(r -> expect(r, 200))
              .compose(rt -> {
                assertEquals(ada.refreshToken(), rt.getString("refresh_token"), "Cognito does not rotate refresh tokens");
                assertEquals("acme", Api.claims(rt.getString("id_token")).getString("custom:tenant_id"));
                return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", "not-a-token"));
              })
              .compose(r -> expectError(r, 401, "unauthorized"))
              // a taken address is answered as a new sign-up, and nothing is created
              .compose(v -> api.signup("ada@acme.test", "other-org", "basic", null)).compose(r -> expect(r, 201)).compose(j -> {
                assertTrue(j.getBoolean("confirmation_required"), j.encode());
                assertNotEquals(ada.sub(), j.getString("user_id"), "the answer names no existing account");
                return app.store().identity().tenant("other-org");
              })
              .compose(other -> {
                assertTrue(other.isEmpty(), "no organisation created for a taken address");
                // the pool's fixed code confirms nothing for it: a wrong code like any other
                return api.post("/api/auth/confirm", new JsonObject().put("email", "ada@acme.test").put("code", "123456"));
              })
              .compose(r -> expectError(r, 400, "invalid_code"))
              .compose(v -> chat(ada));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> chat(User u) {
    return api.newSession(u).compose(s -> listen(u).compose(b ->
        b.request("chat.send", u.idToken(), new JsonObject().put("session_id", s.getString("session_id")).put("message", "hello"))
            .compose(reply -> {
              String turnId = reply.getString("turn_id");
              return b.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id"))));
            })
            .compose(frames -> b.close())))
        .compose(v -> api.usage(u)).compose(usage -> {
          assertEquals(1, usage.getInteger("daily_used"), "the turn is charged to the token's tenant and user");
          assertEquals("basic", usage.getString("tier"));
          return app.store().identity().tenant("acme");
        }).map(t -> {
          assertTrue(t.isPresent(), "the tenant record lives in the store");
          return null;
        });
  }

  @Test
  void aJoinerWithAnInviteGetsTheTenantsTierAndNoAdminUntilAnAdminAddsThem(VertxTestContext ctx) {
    String overall = "/api/admin/tenants/acme/overall-cost";
    signupAndLogin("ada@acme.test", "acme", "premium", null).compose(ada ->
        // without an invite, an existing tenant cannot be joined
        api.signup("eve@acme.test", "acme", "premium", null).compose(r -> expectError(r, 409, "tenant_unavailable"))
            // a wrong invite: refused before the pool is asked
            .compose(v -> api.signup("bob@acme.test", "acme", "basic", "wrong-code")).compose(r -> expectError(r, 403, "invalid_invite"))
            .compose(v -> api.invite(ada))
            // typed in lower case without the dashes
            .compose(code -> signupAndLogin("bob@acme.test", "acme", "basic", code.replace("-", "").toLowerCase(java.util.Locale.ROOT)))
            // the profile, kept beside the pool's account: a display name shown to the admin
            .compose(bob -> api.put("/api/auth/profile", bob.idToken(), new JsonObject().put("display_name", " Bob Builder ")).compose(r -> expect(r, 200))
                .compose(p -> {
                  assertEquals("Bob Builder", p.getString("display_name"));
                  assertEquals("user", p.getString("role"));
                  assertEquals("acme", p.getString("tenant_id"));
                  assertEquals(bob.sub(), p.getString("user_id"));
                  return api.get("/api/admin/tenants/acme/members", ada.idToken()).compose(r -> expect(r, 200));
                }).map(members -> {
                  assertTrue(members.getJsonArray("members").stream().map(JsonObject.class::cast)
                      .anyMatch(m -> bob.sub().equals(m.getString("user_id")) && "Bob Builder".equals(m.getString("display_name"))), members.encode());
                  return bob;
                }))
            .compose(bob -> {
              assertEquals("acme", bob.tenant());
              assertEquals("premium", bob.claims().getString("custom:subscription_tier"), "a joiner gets the tenant's tier, not the one asked for");
              assertFalse(bob.claims().getJsonArray("cognito:groups", new JsonArray()).contains("acme-admins"));
              return api.get(overall, bob.idToken()).compose(r -> expectError(r, 403, "forbidden"))
                  .compose(v -> api.get(overall, ada.idToken())).compose(r -> expect(r, 200))
                  .compose(v -> api.post("/api/admin/add-to-group", bob.idToken(), new JsonObject().put("email", "ada@acme.test")))
                  .compose(r -> expectError(r, 403, "forbidden"))
                  .compose(v -> api.post("/api/admin/add-to-group", ada.idToken(), new JsonObject().put("email", "bob@acme.test")))
                  .compose(r -> expect(r, 200))
                  .compose(added -> {
                    assertEquals(bob.sub(), added.getString("user_id"), "the store mirrors users under Cognito's sub");
                    return api.login("bob@acme.test", Api.PASSWORD);
                  })
                  .compose(bob2 -> {
                    assertTrue(bob2.claims().getJsonArray("cognito:groups").contains("acme-admins"), "membership shows in the next token");
                    assertNotEquals(bob.idToken(), bob2.idToken());
                    return api.get(overall, bob2.idToken());
                  })
                  .compose(r -> expect(r, 200));
            }))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A removal in Cognito mode: the pool's account disabled and out of the admin group, the member's tokens refused at
   * once, their sign-in and refresh refused by the pool. (cognito-local has no AdminUserGlobalSignOut: the removal logs that
   * step's failure and holds anyway, by the revocation mark and the disabled account.) A role change both ways in the pool's
   * group, with the next token.
   */
  @Test
  void aMemberRemovedIsCutOffAndARoleChangesInThePoolsGroup(VertxTestContext ctx) {
    signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.invite(ada)
        .compose(code -> signupAndLogin("max@acme.test", "acme", "basic", code))
        .compose(max -> api.put("/api/admin/tenants/acme/members/" + max.sub() + "/role", ada.idToken(), new JsonObject().put("admin", true))
            .compose(r -> expect(r, 200))
            .compose(v -> api.get("/api/admin/tenants/acme/members", max.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.login("max@acme.test", Api.PASSWORD))
            .compose(promoted -> {
              assertTrue(promoted.claims().getJsonArray("cognito:groups").contains("acme-admins"), "the pool's group: " + promoted.claims());
              return api.put("/api/admin/tenants/acme/members/" + max.sub() + "/role", ada.idToken(), new JsonObject().put("admin", false));
            })
            .compose(r -> expect(r, 200))
            .compose(v -> api.login("max@acme.test", Api.PASSWORD))
            .compose(demoted -> {
              assertTrue(demoted.claims().getJsonArray("cognito:groups") == null
                  || !demoted.claims().getJsonArray("cognito:groups").contains("acme-admins"), "out of the pool's group: " + demoted.claims());
              return api.client.delete("/api/admin/tenants/acme/members/" + max.sub()).putHeader("Authorization", "Bearer " + ada.idToken()).send()
                  .compose(r -> expect(r, 200))
                  .compose(v -> api.get("/api/tenants/acme/usage", demoted.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
                  .compose(v -> api.post("/api/auth/refresh", new JsonObject().put("refresh_token", demoted.refreshToken())))
                  .compose(r -> {
                    assertTrue(r.statusCode() == 401 || r.statusCode() == 403, "a removed member cannot refresh: " + r.bodyAsString());
                    return api.post("/api/auth/login", new JsonObject().put("email", "max@acme.test").put("password", Api.PASSWORD));
                  })
                  .map(r -> {
                    assertTrue(r.statusCode() == 401 || r.statusCode() == 403, "the pool refuses the sign-in: " + r.bodyAsString());
                    return null;
                  });
            }))).onComplete(ctx.succeedingThenComplete());
  }
}
