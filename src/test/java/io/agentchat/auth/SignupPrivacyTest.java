package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

/**
 * A sign-up tells a stranger nothing about which addresses have an account: one with a taken address is answered as a new
 * one (201, confirmation required), changes nothing, and puts a notice instead of a code in the development mailbox; a
 * confirmation for it is a wrong code like any other. An organisation id that is taken or reserved gets one 409.
 */
class SignupPrivacyTest extends AppTest {
  private static final String UNAVAILABLE = "This organisation id is not available; choose another, or use your invite link to join "
      + "an existing organisation.";

  private Future<JsonObject> confirmWith(String email, String code) {
    return api.post("/api/auth/confirm", new JsonObject().put("email", email).put("code", code)).compose(r -> expect(r, 400));
  }

  @Test
  void aTakenAddressIsAnsweredAsANewSignUpAndChangesNothing(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signup("new@fresh.test", "fresh-co", "basic", null)
        .compose(r -> expect(r, 201)).compose(fresh -> api.signup("ada@acme.test", "other-co", "premium", null).compose(r -> expect(r, 201))
            .compose(taken -> {
              assertEquals(fresh.fieldNames(), taken.fieldNames(), "the same answer: " + fresh.encode() + " / " + taken.encode());
              assertEquals(fresh.getBoolean("confirmation_required"), taken.getBoolean("confirmation_required"));
              assertEquals(fresh.getBoolean("tenant_created"), taken.getBoolean("tenant_created"));
              assertNotEquals(ada.sub(), taken.getString("user_id"), "the answer names no existing account");
              return app.store().identity().tenant("other-co");
            }))
        .compose(t -> {
          assertTrue(t.isEmpty(), "no organisation is created for a taken address");
          return api.get("/api/dev/mailbox/ada@acme.test", null).compose(r -> expect(r, 200));
        })
        .compose(mail -> {
          assertNull(mail.getString("code"), "no code for a taken address: " + mail.encode());
          assertTrue(mail.getString("message").contains("already has an account") && mail.getString("message").contains("Forgot password"),
              mail.encode());
          return Future.all(confirmWith("ada@acme.test", "123456"), confirmWith("new@fresh.test", "000000"));
        })
        .compose(both -> {
          JsonObject takenErr = both.<JsonObject>resultAt(0).getJsonObject("error");
          JsonObject freshErr = both.<JsonObject>resultAt(1).getJsonObject("error");
          assertEquals("invalid_code", takenErr.getString("code"));
          assertEquals(freshErr, takenErr, "a wrong code for a taken address reads as any wrong code");
          return api.login("ada@acme.test", Api.PASSWORD);
        })
        .compose(again -> {
          assertEquals(ada.sub(), again.sub(), "the account is the same");
          assertEquals("acme", again.tenant());
          assertEquals("basic", again.claims().getString("custom:subscription_tier"), "its organisation's plan is unchanged");
          return Future.succeededFuture();
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSecondSignUpOfAnAccountStillWaitingForConfirmationKeepsItsCode(VertxTestContext ctx) {
    api.signup("new@fresh.test", "fresh-co", "basic", null).compose(r -> expect(r, 201))
        .compose(first -> api.get("/api/dev/mailbox/new@fresh.test", null).compose(r -> expect(r, 200)).compose(mail ->
            api.signup("new@fresh.test", "other-co", "basic", null).compose(r -> expect(r, 201)).compose(second -> {
              assertNotEquals(first.getString("user_id"), second.getString("user_id"), "the second answer names no account");
              return api.get("/api/dev/mailbox/new@fresh.test", null).compose(r -> expect(r, 200));
            }).compose(again -> {
              assertEquals(mail.getString("code"), again.getString("code"), "the pending code is still the one to use: " + again.encode());
              return api.post("/api/auth/confirm", new JsonObject().put("email", "new@fresh.test").put("code", again.getString("code")));
            })))
        .compose(r -> expect(r, 200)).compose(v -> api.login("new@fresh.test", Api.PASSWORD)).map(u -> {
          assertEquals("fresh-co", u.tenant(), "the first sign-up's organisation, nothing of the second");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void joiningWithATakenAddressUsesNoInviteAndLeavesNoTrace(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signupAndLogin("bob@globex.test", "globex", "basic", null)
        .compose(bob -> api.invite(ada).compose(code -> api.signup("bob@globex.test", "acme", null, code).compose(r -> expect(r, 201))
            .compose(j -> {
              assertFalse(j.getBoolean("tenant_created"), j.encode());
              assertTrue(j.getBoolean("confirmation_required"), j.encode());
              return api.get("/api/admin/tenants/acme/invites", ada.idToken()).compose(r -> expect(r, 200));
            })
            .compose(list -> {
              JsonObject invite = list.getJsonArray("invites").stream().map(JsonObject.class::cast)
                  .filter(i -> code.equals(i.getString("invite_code", i.getString("code")))).findFirst().orElseThrow(() -> new AssertionError(list.encode()));
              assertEquals("pending", invite.getString("status"), "the invite is still usable: " + invite.encode());
              return api.get("/api/admin/tenants/acme/members", ada.idToken()).compose(r -> expect(r, 200));
            })
            .compose(members -> {
              JsonArray all = members.getJsonArray("members");
              assertEquals(1, all.size(), "nobody joined: " + all.encode());
              return api.signupAndLogin("eve@acme.test", "acme", null, code); // the invite still works for a real newcomer
            })
            .compose(eve -> api.login("bob@globex.test", Api.PASSWORD)).map(again -> {
              assertEquals("globex", again.tenant(), "bob stays where he was");
              return null;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aTakenOrReservedOrganisationIdGetsOneAnswer(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(ada -> api.signup("eve@elsewhere.test", "acme", "premium", null)).compose(r -> expectError(r, 409, "tenant_unavailable"))
        .compose(taken -> api.signup("eve@elsewhere.test", "admin", "premium", null).compose(r -> expectError(r, 409, "tenant_unavailable"))
            .map(reserved -> {
              assertEquals(UNAVAILABLE, taken.getJsonObject("error").getString("message"));
              assertEquals(taken, reserved, "taken and reserved read the same");
              return null;
            }))
        .compose(v -> api.login("eve@elsewhere.test", Api.PASSWORD).transform(ar -> {
          assertTrue(ar.failed(), "no account was made for eve");
          return Future.succeededFuture();
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
