package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.Api;
import io.agentchat.support.ClockedAppTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What an attacker or a forgetful user does to accounts over time, on the application's clock: a confirmation code
 * expires and the sign-up that never used it frees its address and tenant id; five wrong passwords or codes in a row lock
 * the account for a while, whatever address they come from; a refresh token used twice revokes its chain.
 */
class AccountLifetimeTest extends ClockedAppTest {

  AccountLifetimeTest() {
    super(Instant.now());
  }

  private Future<String> code(String email) {
    return api.get("/api/dev/mailbox/" + email, null).compose(r -> Api.expect(r, 200)).map(m -> m.getString("code"));
  }

  private Future<io.vertx.core.buffer.Buffer> confirm(String email, String code, int status, String error) {
    return api.post("/api/auth/confirm", new JsonObject().put("email", email).put("code", code)).map(r -> {
      assertEquals(status, r.statusCode(), r.bodyAsString());
      if (error != null) {
        assertEquals(error, Api.errorCode(r));
      }
      return r.body();
    });
  }

  @Test
  void anUnconfirmedSignUpExpiresAndFreesItsAddressAndTenant(VertxTestContext ctx) {
    api.signup("una@held.test", "held", "basic", null).compose(r -> Api.expect(r, 201)).compose(v -> code("una@held.test"))
        .compose(first -> {
          clock.advance(Duration.ofHours(25));
          return confirm("una@held.test", first, 400, "invalid_code");
        })
        .compose(v -> api.get("/api/dev/mailbox/una@held.test", null)).compose(r -> {
          assertEquals(404, r.statusCode(), "an expired code is shown to nobody");
          // the address and the tenant id are free again: for the same person, and for someone else
          return api.signup("una@held.test", "held", "basic", null);
        })
        .compose(r -> Api.expect(r, 201)).compose(v -> code("una@held.test")).compose(c -> confirm("una@held.test", c, 200, null))
        .compose(v -> api.signup("vic@other.test", "lapsed", "basic", null)).compose(r -> Api.expect(r, 201))
        .compose(v -> {
          clock.advance(Duration.ofHours(25));
          return api.signup("wes@other.test", "lapsed", "premium", null);
        })
        .compose(r -> Api.expect(r, 201)).map(j -> {
          assertEquals(true, j.getBoolean("tenant_created"), "a tenant id held by a sign-up never confirmed is free again");
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void fiveFailuresInARowLockTheAccountForAWhile(VertxTestContext ctx) {
    JsonObject wrong = new JsonObject().put("email", "lee@lock.test").put("password", "not the password");
    api.signupAndLogin("lee@lock.test", "lock", "basic", null).compose(u -> {
      Future<Void> tries = Future.succeededFuture();
      for (int i = 0; i < 5; i++) {
        tries = tries.compose(v -> api.post("/api/auth/login", wrong)).map(r -> {
          assertEquals(401, r.statusCode(), r.bodyAsString());
          return null;
        });
      }
      return tries;
    }).compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "lee@lock.test").put("password", Api.PASSWORD))).compose(r -> {
      assertEquals(429, r.statusCode(), "locked, even with the right password: " + r.bodyAsString());
      assertEquals("rate_limited", Api.errorCode(r));
      return api.login("mo@other.test", Api.PASSWORD).transform(ar -> Future.succeededFuture());
    }).compose(v -> {
      clock.advance(Duration.ofSeconds(31));
      return api.login("lee@lock.test", Api.PASSWORD);
    }).compose(u -> api.signup("kim@codes.test", "codes", "basic", null)).compose(r -> {
      Future<Void> tries = Future.succeededFuture();
      for (int i = 0; i < 5; i++) {
        tries = tries.compose(v -> confirm("kim@codes.test", "000000x", 400, "invalid_code")).mapEmpty();
      }
      return tries;
    }).compose(v -> code("kim@codes.test")).compose(c -> confirm("kim@codes.test", c, 429, "rate_limited"))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRefreshTokenUsedTwiceRevokesItsChain(VertxTestContext ctx) {
    api.signupAndLogin("rex@chain.test", "chain", "basic", null).compose(u -> api.post("/api/auth/refresh",
        new JsonObject().put("refresh_token", u.refreshToken())).compose(r -> Api.expect(r, 200)).compose(next -> {
          // the spent token again, well after the grace for racing requests: stolen, or replayed
          clock.advance(Duration.ofSeconds(11));
          return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", u.refreshToken()))
              .compose(r -> {
                assertEquals(401, r.statusCode(), r.bodyAsString());
                return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", next.getString("refresh_token")));
              }).map(r -> {
                assertEquals(401, r.statusCode(), "the newest token of the chain is revoked with it: " + r.bodyAsString());
                return null;
              });
        })).onComplete(ctx.succeedingThenComplete());
  }
}
