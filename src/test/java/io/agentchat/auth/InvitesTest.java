package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Invites with a chosen lifetime and a link that carries the organisation, listed, used, revoked. */
class InvitesTest extends AppTest {

  @Test
  void anInviteIsMadeWithItsLinkListedUsedOnceAndAnotherRevoked(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signupAndLogin("bob@globex.test", "globex", "basic", null)
        .compose(bob -> api.post("/api/admin/invites", ada.idToken(), new JsonObject().put("expires_in_hours", 2)).compose(r -> expect(r, 201))
            .compose(first -> {
              Instant expires = Instant.parse(first.getString("expires_at"));
              assertTrue(Duration.between(Instant.now(), expires).toMinutes() >= 118 && Duration.between(Instant.now(), expires).toMinutes() <= 120,
                  "the lifetime asked for: " + expires);
              assertEquals("/?join=acme&invite=" + first.getString("invite_code"), first.getString("join_path"));
              return api.post("/api/admin/invites", ada.idToken(), new JsonObject().put("expires_in_hours", 0)).compose(r -> expectError(r, 400, "invalid_request"))
                  .compose(v -> api.post("/api/admin/invites", ada.idToken(), new JsonObject())).compose(r -> expect(r, 201))
                  .compose(second -> api.signupAndLogin("max@acme.test", "acme", "basic", first.getString("invite_code"))
                      .compose(max -> api.get("/api/admin/tenants/acme/invites", ada.idToken())).compose(r -> expect(r, 200))
                      .compose(list -> {
                        JsonObject used = find(list, first.getString("invite_code"));
                        JsonObject pending = find(list, second.getString("invite_code"));
                        assertEquals("used", used.getString("status"));
                        assertEquals(null, used.getValue("join_path"));
                        assertEquals("pending", pending.getString("status"));
                        return api.client.delete("/api/admin/tenants/acme/invites/" + first.getString("invite_code"))
                            .putHeader("Authorization", "Bearer " + ada.idToken()).send();
                      })
                      .compose(r -> expectError(r, 404, "not_found")) // a used invite is not revoked
                      .compose(v -> api.client.delete("/api/admin/tenants/globex/invites/" + second.getString("invite_code"))
                          .putHeader("Authorization", "Bearer " + bob.idToken()).send())
                      .compose(r -> expectError(r, 404, "not_found")) // another tenant's code
                      .compose(v -> api.client.delete("/api/admin/tenants/acme/invites/" + second.getString("invite_code"))
                          .putHeader("Authorization", "Bearer " + ada.idToken()).send())
                      .compose(r -> expect(r, 200))
                      .compose(v -> api.signup("eve@acme.test", "acme", "basic", second.getString("invite_code")))
                      .compose(r -> expectError(r, 403, "invalid_invite"))
                      .compose(v -> api.get("/api/admin/tenants/acme/invites", bob.idToken())).compose(r -> expectError(r, 404, "not_found"))
                      // the revocation is in the audit log (written just after the answer)
                      .compose(v -> io.agentchat.support.Poll.until(vertx, () -> api.get("/api/admin/tenants/acme/audit?kind=invite_revoked",
                          ada.idToken()).compose(r -> expect(r, 200)), log -> log.getJsonArray("entries").size() == 1))
                      .mapEmpty());
            }))).onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject find(JsonObject list, String code) {
    return list.getJsonArray("invites").stream().map(JsonObject.class::cast).filter(i -> i.getString("invite_code").equals(code)).findFirst()
        .orElseThrow();
  }
}
