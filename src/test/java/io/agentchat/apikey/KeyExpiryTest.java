package io.agentchat.apikey;

import static io.agentchat.apikey.ProgramApiTest.ask;
import static io.agentchat.apikey.ProgramApiTest.createKey;
import static io.agentchat.apikey.ProgramApiTest.keys;
import static io.agentchat.apikey.ProgramApiTest.openAiError;
import static io.agentchat.support.Api.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.ClockedAppTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.Future;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A key's expiry, on the server's clock: usable until it, refused from it on, and listed as expired. */
class KeyExpiryTest extends ClockedAppTest {
  private static final Instant START = Instant.parse("2026-06-10T12:00:00Z");

  KeyExpiryTest() {
    super(START);
  }

  private Future<HttpResponse<Buffer>> completion(String key) {
    return api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer(ask("hello").encode()));
  }

  @Test
  void aKeyWorksUntilItExpiresAndIsRefusedFromThenOn(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> api.post("/api/admin/tenants/acme/api-keys", admin.idToken(),
            new JsonObject().put("name", "past").put("user_id", admin.sub()).put("expires_at", "2026-06-10T11:00:00Z"))
        .compose(r -> Api.expectError(r, 400, "invalid_request"))
        .compose(v -> api.post("/api/admin/tenants/acme/api-keys", admin.idToken(),
            new JsonObject().put("name", "bad date").put("user_id", admin.sub()).put("expires_at", "tomorrow")))
        .compose(r -> Api.expectError(r, 400, "invalid_request"))
        .compose(v -> createKey(api, admin, new JsonObject().put("name", "week").put("user_id", admin.sub())
            .put("expires_at", "2026-06-17T12:00:00+00:00")))
        .compose(created -> {
          String key = created.getString("key");
          assertEquals("2026-06-17T12:00:00Z", created.getString("expires_at"));
          return completion(key).compose(r -> expect(r, 200))
              .compose(v -> {
                clock.advance(Duration.ofDays(7).minusSeconds(1));
                return completion(key);
              })
              .compose(r -> expect(r, 200))
              .compose(v -> {
                clock.advance(Duration.ofSeconds(1));
                return completion(key);
              })
              .compose(r -> {
                JsonObject e = openAiError(r, 401, "authentication_error", "unauthorized");
                assertTrue(e.getString("message").contains("expired"), e.encode());
                return keys(api, admin);
              })
              .map(l -> {
                assertEquals("expired", l.getJsonArray("api_keys").getJsonObject(0).getString("status"));
                return null;
              });
        })).onComplete(ctx.succeedingThenComplete());
  }
}
