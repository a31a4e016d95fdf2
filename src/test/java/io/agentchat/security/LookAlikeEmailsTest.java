package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Addresses that look alike name one account: fullwidth letters, capitals and a capital I with dot are the same address
 * as their plain form (a second sign-up changes nothing: it is answered as a new one, and the development mailbox tells the
 * address it has an account; logging in with them opens the same account); one with
 * an invisible character is refused.
 */
class LookAlikeEmailsTest extends AppTest {

  @Test
  void lookAlikeAddressesAreOneAccountAndInvisibleCharactersAreRefused(VertxTestContext ctx) {
    List<String> failures = new ArrayList<>();
    api.signupAndLogin("ida@acme.test", "acme", "basic", null).compose(ida -> {
      Future<Void> checks = Future.succeededFuture();
      for (String twin : List.of("\uFF49\uFF44\uFF41@acme.test", "IDA@ACME.TEST", "\u0130da@acme.test", " ida@acme.test ")) {
        checks = checks.compose(v -> api.signup(twin, "other", "basic", null)).map(r -> {
          if (r.statusCode() != 201 || r.bodyAsJsonObject().getString("user_id").equals(ida.sub())) {
            failures.add("sign-up as " + twin + " -> " + r.statusCode() + " " + r.bodyAsString());
          }
          return null;
        }).compose(v -> api.get("/api/dev/mailbox/ida@acme.test", null)).map(r -> {
          if (r.statusCode() != 200 || !r.bodyAsJsonObject().getString("message", "").contains("already has an account")) {
            failures.add("mailbox after a sign-up as " + twin + " -> " + r.statusCode() + " " + r.bodyAsString());
          }
          return null;
        }).compose(v -> api.post("/api/auth/login", new JsonObject().put("email", twin).put("password", Api.PASSWORD))).map(r -> {
          if (r.statusCode() != 200 || !Api.claims(r.bodyAsJsonObject().getString("id_token")).getString("sub").equals(ida.sub())) {
            failures.add("login as " + twin + " -> " + r.statusCode() + " " + r.bodyAsString());
          }
          return null;
        });
      }
      for (String hidden : List.of("i\u200Bda@acme.test", "ida\u00AD@acme.test", "id\u0007a@acme.test")) {
        checks = checks.compose(v -> api.signup(hidden, "hidden", "basic", null)).map(r -> {
          if (r.statusCode() != 400 || !"invalid_request".equals(Api.errorCode(r))) {
            failures.add("sign-up with a hidden character -> " + r.statusCode() + " " + r.bodyAsString());
          }
          return null;
        });
      }
      return checks;
    }).map(v -> {
      assertEquals(List.of(), failures);
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }
}
