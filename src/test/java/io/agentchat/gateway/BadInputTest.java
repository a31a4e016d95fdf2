package io.agentchat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BadInputTest extends AppTest {

  private Future<HttpResponse<Buffer>> raw(String path, String token, String body) {
    var req = api.client.post(path).putHeader("Content-Type", "application/json");
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.sendBuffer(Buffer.buffer(body));
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals(code, error.getString("code"), r.bodyAsString());
    assertTrue(error.getString("message").length() > 5, "a message a person can read");
  }

  @Test
  void badSignupsAreRefusedWithTheErrorShapeAndStoreNothing(VertxTestContext ctx) {
    JsonObject good = Api.signupForm("ada@acme.test", "acme", "basic", null);
    List<Function<Void, Future<HttpResponse<Buffer>>>> cases = List.of(
        v -> raw("/api/auth/signup", null, "{\"email\": \"ada@acme.test\", "),
        v -> raw("/api/auth/signup", null, "[1,2,3]"),
        v -> raw("/api/auth/signup", null, ""),
        v -> api.post("/api/auth/signup", good.copy().put("subscription_tier", "platinum")),
        v -> api.post("/api/auth/signup", good.copy().put("tenant_id", "Acme Corp")),
        v -> api.post("/api/auth/signup", good.copy().put("tenant_id", "ab")),
        v -> api.post("/api/auth/signup", good.copy().put("email", "not-an-email")),
        v -> api.post("/api/auth/signup", good.copy().put("admin", "yes")),
        v -> api.post("/api/auth/signup", good.copy().put("tenant_id", 42)),
        v -> api.post("/api/auth/signup", new JsonObject().put("email", "ada@acme.test")));
    Future<Void> chain = Future.succeededFuture();
    for (Function<Void, Future<HttpResponse<Buffer>>> c : cases) {
      chain = chain.compose(c).map(r -> {
        assertError(r, 400, "invalid_request");
        return null;
      });
    }
    chain.compose(v -> api.post("/api/auth/signup", good.copy().put("password", "short")))
        .compose(r -> {
          assertError(r, 400, "weak_password");
          return raw("/api/auth/signup", null, "{\"email\":\"" + "x".repeat(70_000) + "\"}");
        })
        .compose(r -> {
          assertError(r, 413, "payload_too_large");
          return app.store().identity().userByEmail("ada@acme.test").compose(u -> app.store().identity().tenant("acme").map(t -> {
            assertTrue(u.isEmpty(), "no user was stored");
            assertTrue(t.isEmpty(), "no tenant was stored");
            return null;
          }));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badChatRequestsAreRefusedAndChargeNothing(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> {
      String t = u.idToken();
      return raw("/api/chat", t, "{not json").compose(r -> {
        assertError(r, 400, "invalid_request");
        return api.post("/api/chat", t, new JsonObject());
      }).compose(r -> {
        assertError(r, 400, "invalid_request");
        return api.post("/api/chat", t, new JsonObject().put("message", "x".repeat(4001)));
      }).compose(r -> {
        assertError(r, 400, "invalid_request");
        return api.post("/api/chat", t, new JsonObject().put("message", "hi").put("request_id", "../../etc"));
      }).compose(r -> {
        assertError(r, 400, "invalid_request");
        return api.post("/api/chat", t, new JsonObject().put("message", 12));
      }).compose(r -> {
        assertError(r, 400, "invalid_request");
        return api.post("/api/chat", t, new JsonObject().put("message", "hi").put("session_id", "someone-elses"));
      }).compose(r -> {
        assertError(r, 404, "not_found");
        return api.get("/api/tenants/acme/sessions/none/messages", t);
      }).compose(r -> {
        assertError(r, 404, "not_found");
        return api.get("/api/no/such/route", t);
      }).compose(r -> {
        assertError(r, 404, "not_found");
        return api.usage(u);
      }).map(usage -> {
        assertEquals(0, usage.getInteger("daily_used"), "nothing was charged");
        assertEquals(0, usage.getInteger("active_sessions"), "no session was opened");
        return (User) null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anotherTenantsPathsAnswerNotFound(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signupAndLogin("bob@beta.test", "beta", "basic", null)
        .compose(bob -> api.get("/api/tenants/beta/usage", ada.idToken()).compose(r -> {
          assertError(r, 404, "not_found");
          return api.get("/api/tenants/beta/sessions", ada.idToken());
        }).compose(r -> {
          assertError(r, 404, "not_found");
          return api.get("/api/tenants/beta/subscription", ada.idToken());
        }).map(r -> {
          assertError(r, 404, "not_found");
          return null;
        }))).onComplete(ctx.succeedingThenComplete());
  }
}
