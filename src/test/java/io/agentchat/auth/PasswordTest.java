package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;

/** A password changed with the current one, forgotten and reset with a code from the mailbox, and the password policy. */
class PasswordTest extends AppTest {
  private static final String NEW = "a much better secret 9";

  private Future<JsonObject> mailbox(String email) {
    return api.get("/api/dev/mailbox/" + email, null).compose(r -> expect(r, 200));
  }

  @Test
  void aPasswordChangeNeedsTheCurrentOneKeepsThisSignInAndEndsTheOthers(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.login("ada@acme.test", Api.PASSWORD).compose(other ->
        api.post("/api/auth/password", ada.idToken(), new JsonObject().put("old_password", "not my password 1").put("new_password", NEW))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.post("/api/auth/password", ada.idToken(), new JsonObject().put("old_password", Api.PASSWORD).put("new_password", "password123")))
            .compose(r -> expectError(r, 400, "weak_password"))
            .compose(e -> {
              assertTrue(e.getJsonObject("error").getString("message").contains("common"), e.encode());
              return api.post("/api/auth/password", ada.idToken(), new JsonObject().put("old_password", Api.PASSWORD).put("new_password", "short"));
            })
            .compose(r -> expectError(r, 400, "weak_password"))
            .compose(v -> api.post("/api/auth/password", ada.idToken(), new JsonObject().put("old_password", Api.PASSWORD).put("new_password", NEW)))
            .compose(r -> expect(r, 200))
            .compose(tokens -> api.get("/api/tenants/acme/usage", tokens.getString("id_token")).compose(r -> expect(r, 200))
                .compose(v -> api.post("/api/auth/refresh", new JsonObject().put("refresh_token", tokens.getString("refresh_token")))))
            .compose(r -> expect(r, 200)) // this sign-in goes on
            .compose(v -> api.get("/api/tenants/acme/usage", other.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.post("/api/auth/refresh", new JsonObject().put("refresh_token", other.refreshToken())))
            .compose(r -> expectError(r, 401, "unauthorized")) // the other ended
            .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "ada@acme.test").put("password", Api.PASSWORD)))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.login("ada@acme.test", NEW)).mapEmpty()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aForgottenPasswordIsResetOnceWithTheCodeAndNobodyLearnsWhichAddressesExist(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada ->
        api.post("/api/auth/forgot", new JsonObject().put("email", "nobody@acme.test")).compose(r -> expect(r, 202))
            .compose(unknown -> api.post("/api/auth/forgot", new JsonObject().put("email", "ADA@acme.test")).compose(r -> expect(r, 202)).map(known -> {
              assertEquals(unknown, known, "the same answer for an unknown address");
              return null;
            }))
            .compose(v -> mailbox("ada@acme.test")).compose(mail -> {
              String code = mail.getString("code");
              String wrong = code.equals("000000") ? "111111" : "000000";
              return api.post("/api/auth/reset", new JsonObject().put("email", "ada@acme.test").put("code", wrong).put("new_password", NEW))
                  .compose(r -> expectError(r, 400, "invalid_code"))
                  .compose(x -> api.post("/api/auth/reset", new JsonObject().put("email", "ada@acme.test").put("code", code).put("new_password", "qwerty123")))
                  .compose(r -> expectError(r, 400, "weak_password"))
                  .compose(x -> api.post("/api/auth/reset", new JsonObject().put("email", "ada@acme.test").put("code", code).put("new_password", NEW)))
                  .compose(r -> expect(r, 200))
                  .compose(x -> api.post("/api/auth/reset", new JsonObject().put("email", "ada@acme.test").put("code", code).put("new_password", NEW + "x")))
                  .compose(r -> expectError(r, 400, "invalid_code")); // used once
            })
            .compose(v -> api.get("/api/tenants/acme/usage", ada.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.post("/api/auth/refresh", new JsonObject().put("refresh_token", ada.refreshToken())))
            .compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.login("ada@acme.test", NEW)).mapEmpty())
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aCommonPasswordOrTheAddressItselfIsRefusedAtSignUp(VertxTestContext ctx) {
    api.post("/api/auth/signup", Api.signupForm("ada@acme.test", "acme", "basic", null).put("password", "Password1"))
        .compose(r -> expectError(r, 400, "weak_password"))
        .compose(v -> api.post("/api/auth/signup", Api.signupForm("ada@acme.test", "acme", "basic", null).put("password", "ada@acme.test")))
        .compose(r -> expectError(r, 400, "weak_password"))
        .compose(v -> api.get("/api/dev/mailbox/ada@acme.test", null)).map(r -> {
          assertEquals(404, r.statusCode(), "nothing was created");
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }
}
