package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The caller's own profile: {@code GET /api/auth/profile} and a display name set with {@code PUT}, trimmed, 1 to 60
 * characters without control or invisible ones, {@code null} clearing it; bad bodies are refused naming the field and
 * change nothing; the members list shows the name, and the audit log records each change.
 */
class ProfileTest extends AppTest {

  private Future<JsonObject> profile(User u) {
    return api.get("/api/auth/profile", u.idToken()).compose(r -> expect(r, 200));
  }

  private Future<JsonObject> put(User u, String body, int status) {
    return api.client.put("/api/auth/profile").putHeader("Authorization", "Bearer " + u.idToken()).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(body)).compose(r -> expect(r, status));
  }

  private static void refusedNaming(JsonObject answer, String field) {
    assertEquals("invalid_request", answer.getJsonObject("error").getString("code"), answer.encode());
    assertTrue(answer.getJsonObject("error").getString("message").contains(field), answer.encode());
  }

  @Test
  void aDisplayNameIsSetTrimmedShownToAdminsAndCleared(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> profile(ada).compose(p -> {
      assertEquals(ada.sub(), p.getString("user_id"));
      assertEquals("ada@acme.test", p.getString("email"));
      assertEquals("acme", p.getString("tenant_id"));
      assertEquals("admin", p.getString("role"));
      assertTrue(p.containsKey("display_name") && p.getValue("display_name") == null, p.encode());
      return put(ada, "{\"display_name\":\"  Ada Lovelace \"}", 200);
    }).compose(p -> {
      assertEquals("Ada Lovelace", p.getString("display_name"), "trimmed");
      return api.invite(ada).compose(code -> api.signupAndLogin("bob@acme.test", "acme", null, code));
    }).compose(bob -> profile(bob).compose(p -> {
      assertEquals("user", p.getString("role"));
      assertNull(p.getValue("display_name"), "one member's name is not another's");
      return api.get("/api/admin/tenants/acme/members", ada.idToken()).compose(r -> expect(r, 200));
    })).compose(members -> {
      JsonObject me = members.getJsonArray("members").stream().map(JsonObject.class::cast).filter(m -> m.getString("user_id").equals(ada.sub()))
          .findFirst().orElseThrow();
      assertEquals("Ada Lovelace", me.getString("display_name"), members.encode());
      String sixty = "\uD83D\uDE00".repeat(10) + "x".repeat(50); // counted in characters, not UTF-16 units
      return put(ada, new JsonObject().put("display_name", sixty).encode(), 200).map(p -> {
        assertEquals(sixty, p.getString("display_name"));
        return null;
      });
    }).compose(v -> put(ada, "{\"display_name\":null}", 200)).compose(p -> {
      assertNull(p.getValue("display_name"), "null clears it");
      return Poll.until(vertx, () -> api.get("/api/admin/tenants/acme/audit?kind=profile_changed", ada.idToken()).compose(r -> expect(r, 200)),
          log -> log.getJsonArray("entries").size() == 3);
    }).map(log -> {
      JsonObject newest = log.getJsonArray("entries").getJsonObject(0);
      assertEquals(ada.sub(), newest.getString("actor_user_id"), newest.encode());
      return null;
    }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badNamesAndBodiesAreRefusedNamingTheFieldAndChangeNothing(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> put(ada, "{\"display_name\":\"Ada\"}", 200).compose(p -> {
      Future<Void> all = Future.succeededFuture();
      for (String body : List.of("{\"display_name\":\"\"}", "{\"display_name\":\"   \"}", "{\"display_name\":\"" + "x".repeat(61) + "\"}",
          "{\"display_name\":\"a\\u0007b\"}", "{\"display_name\":\"a\\u200Bb\"}", "{\"display_name\":\"a\\nb\"}", "{\"display_name\":5}",
          "{\"display_name\":[\"Ada\"]}", "{}")) {
        all = all.compose(v -> put(ada, body, 400)).map(e -> {
          refusedNaming(e, "display_name");
          return null;
        });
      }
      return all.compose(v -> put(ada, "{\"display_name\":\"Eve\",\"email\":\"eve@acme.test\"}", 400))
          .map(e -> {
            refusedNaming(e, "email");
            return null;
          })
          .compose(v -> put(ada, "{\"display_name\":\"Eve\",\"role\":\"admin\"}", 400)).map(e -> {
            refusedNaming(e, "role");
            return null;
          });
    }).compose(v -> profile(ada)).map(p -> {
      assertEquals("Ada", p.getString("display_name"), "nothing changed: " + p.encode());
      assertEquals("ada@acme.test", p.getString("email"));
      return null;
    }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
