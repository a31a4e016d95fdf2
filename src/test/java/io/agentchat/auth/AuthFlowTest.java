package io.agentchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthFlowTest extends AppTest {

  @Test
  void signupConfirmLoginGivesCognitoShapedTokenVerifiableWithJwks(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "advanced", null)
        .compose(u -> api.get("/.well-known/jwks.json", null).compose(jwks -> {
          JsonObject c = u.claims();
          assertEquals("acme", c.getString("custom:tenant_id"));
          assertEquals("advanced", c.getString("custom:subscription_tier"));
          assertEquals("ada@acme.test", c.getString("email"));
          assertEquals("id", c.getString("token_use"));
          assertEquals(new JsonArray().add("acme-admins"), c.getJsonArray("cognito:groups"));
          assertEquals("agent-chat-web", c.getString("aud"));
          assertEquals("agent-chat-embedded", c.getString("iss"));
          assertTrue(c.getLong("exp") > c.getLong("iat"));
          assertFalse(c.getString("sub").isEmpty());
          JsonObject header = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(u.idToken().split("\\.")[0])));
          assertEquals("RS256", header.getString("alg"));
          JsonArray keys = jwks.bodyAsJsonObject().getJsonArray("keys");
          assertEquals(header.getString("kid"), keys.getJsonObject(0).getString("kid"));
          assertFalse(keys.getJsonObject(0).containsKey("d"), "the JWKS must not publish the private key");
          JWTAuthOptions opts = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer("agent-chat-embedded").setAudience(List.of("agent-chat-web")));
          keys.forEach(k -> opts.addJwk((JsonObject) k));
          return JWTAuth.create(vertx, opts).authenticate(new TokenCredentials(u.idToken()));
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unconfirmedUserCannotLogInAndWrongCodeIsRefused(VertxTestContext ctx) {
    api.signup("bob@beta.test", "beta", "basic", null)
        .compose(r -> {
          assertEquals(201, r.statusCode(), r.bodyAsString());
          assertTrue(r.bodyAsJsonObject().getBoolean("confirmation_required"));
          return api.post("/api/auth/login", new JsonObject().put("email", "bob@beta.test").put("password", Api.PASSWORD));
        })
        .compose(r -> {
          assertEquals(403, r.statusCode());
          assertEquals("user_not_confirmed", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.post("/api/auth/confirm", new JsonObject().put("email", "bob@beta.test").put("code", "000000x"));
        })
        .compose(r -> {
          assertEquals(400, r.statusCode());
          assertEquals("invalid_code", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.post("/api/auth/login", new JsonObject().put("email", "nobody@beta.test").put("password", Api.PASSWORD));
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(401, r.statusCode());
          assertEquals("invalid_credentials", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          ctx.completeNow();
        })));
  }

  @Test
  void joinerNeedsInviteGetsTenantTierAndCannotBecomeAdmin(VertxTestContext ctx) {
    JsonObject noInvite = new JsonObject().put("email", "eve@acme.test").put("password", Api.PASSWORD).put("tenant_id", "acme")
        .put("subscription_tier", "premium").put("admin", false);
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(admin -> api.post("/api/auth/signup", noInvite).compose(r -> {
          assertEquals(409, r.statusCode(), "joining without an invite: " + r.bodyAsString());
          assertEquals("tenant_unavailable", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.post("/api/auth/signup", noInvite.copy().putNull("subscription_tier"));
        }).compose(r -> {
          assertEquals(409, r.statusCode(), "without an invite or a tier, the taken id is what the joiner hears: " + r.bodyAsString());
          assertEquals("tenant_unavailable", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.invite(admin);
        }))
        .compose(code -> api.post("/api/auth/signup", noInvite.copy().put("invite_code", code).put("admin", true)).compose(r -> {
          assertEquals(403, r.statusCode(), "a joiner asking for admin: " + r.bodyAsString());
          assertEquals("forbidden", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.signupAndLogin("eve@acme.test", "acme", "premium", code);
        }))
        .compose(eve -> {
          assertEquals("acme", eve.tenant());
          assertEquals("basic", eve.claims().getString("custom:subscription_tier"), "the tier is the tenant's, not the joiner's choice");
          assertEquals(new JsonArray(), eve.claims().getJsonArray("cognito:groups"));
          return api.post("/api/admin/invites", eve.idToken(), new JsonObject());
        })
        .compose(r -> {
          assertEquals(403, r.statusCode(), "a member cannot create invites");
          return api.post("/api/auth/signup", noInvite.copy().put("email", "mallory@acme.test").put("invite_code", "not-a-code"));
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(403, r.statusCode());
          assertEquals("invalid_invite", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          ctx.completeNow();
        })));
  }

  @Test
  void inviteWorksOnceAndRefreshRotatesTokens(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(admin -> api.invite(admin).compose(code -> api.signupAndLogin("m1@acme.test", "acme", null, code)
            .compose(m1 -> api.post("/api/auth/signup", new JsonObject().put("email", "m2@acme.test").put("password", Api.PASSWORD)
                .put("tenant_id", "acme").put("invite_code", code))))
            .compose(r -> {
              assertEquals(403, r.statusCode(), "an invite is single-use");
              return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", admin.refreshToken()));
            })
            .compose(r -> {
              assertEquals(200, r.statusCode(), r.bodyAsString());
              JsonObject t = r.bodyAsJsonObject();
              assertNotEquals(admin.refreshToken(), t.getString("refresh_token"));
              assertEquals(admin.sub(), Api.claims(t.getString("id_token")).getString("sub"));
              return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", admin.refreshToken()));
            }))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(401, r.statusCode(), "a rotated refresh token is spent");
          ctx.completeNow();
        })));
  }

  @Test
  void protectedRoutesNeedAValidToken(VertxTestContext ctx) {
    api.get("/api/tenants/acme/usage", null)
        .compose(r -> {
          assertEquals(401, r.statusCode());
          assertEquals("unauthorized", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
          return api.get("/api/tenants/acme/usage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(401, r.statusCode());
          ctx.completeNow();
        })));
  }
}
