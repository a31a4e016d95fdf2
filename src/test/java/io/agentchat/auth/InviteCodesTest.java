package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Invite codes without look-alike characters, grouped for reading, taken in any case and with or without dashes; a used or
 * expired one is listed as such and carries no link.
 */
class InviteCodesTest extends AppTest {
  private static final Pattern FORM = Pattern.compile("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}");

  @Test
  void codesHaveNoLookAlikesAndAreGrouped() {
    for (int i = 0; i < 500; i++) {
      String code = InviteCodes.generate();
      assertTrue(FORM.matcher(code).matches(), code);
      assertTrue(code.chars().noneMatch(c -> "0O1IL".indexOf(c) >= 0), code);
    }
    assertEquals("ABCD-EFGH-JK", InviteCodes.normalize(" abcd efgh-jk "));
    assertEquals("ABCD-EFGH-JK", InviteCodes.normalize("ABCDEFGHJK"));
    assertEquals("old-Mixed_Code", InviteCodes.normalize("old-Mixed_Code "), "a code of another form is kept as it was typed");
  }

  private Future<JsonObject> invite(User admin, String code) {
    return api.get("/api/admin/tenants/" + admin.tenant() + "/invites", admin.idToken()).compose(r -> expect(r, 200))
        .map(l -> l.getJsonArray("invites").stream().map(JsonObject.class::cast).filter(i -> code.equals(i.getString("invite_code")))
            .findFirst().orElseThrow(() -> new AssertionError("no invite " + code + " in " + l.encode())));
  }

  @Test
  void aCodeIsTakenInAnyCaseWithOrWithoutDashesAndUsedOrExpiredOnesCarryNoLink(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.post("/api/admin/invites", ada.idToken(), new JsonObject())
        .compose(r -> expect(r, 201)).compose(created -> {
          String code = created.getString("invite_code");
          assertTrue(FORM.matcher(code).matches(), code);
          assertEquals("/?join=acme&invite=" + code, created.getString("join_path"));
          String typed = code.replace("-", "").toLowerCase(Locale.ROOT);
          return api.signupAndLogin("bob@acme.test", "acme", null, typed).compose(bob -> {
            assertEquals("acme", bob.tenant());
            return invite(ada, code);
          });
        }).compose(used -> {
          assertEquals("used", used.getString("status"), used.encode());
          assertNull(used.getString("join_path"), "a used code is no link: " + used.encode());
          return api.invite(ada);
        }).compose(second -> api.client.delete("/api/admin/tenants/acme/invites/" + second.toLowerCase(Locale.ROOT).replace("-", ""))
            .putHeader("Authorization", "Bearer " + ada.idToken()).send().compose(r -> expect(r, 200))
            .compose(v -> api.signup("eve@acme.test", "acme", null, second)).compose(r -> expectError(r, 403, "invalid_invite")))
        .compose(v -> app.store().identity().createInvite("acme", "WXYZ-WXYZ-WX", ada.sub(), Instant.now().minusSeconds(60)))
        .compose(v -> invite(ada, "WXYZ-WXYZ-WX")).compose(expired -> {
          assertEquals("expired", expired.getString("status"), expired.encode());
          assertNull(expired.getString("join_path"), "an expired code is no link: " + expired.encode());
          return api.signup("eve@acme.test", "acme", null, "wxyz-wxyz-wx");
        }).compose(r -> expectError(r, 403, "invalid_invite")))
        .onComplete(ctx.succeedingThenComplete());
  }
}
