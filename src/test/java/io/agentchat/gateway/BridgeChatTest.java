package io.agentchat.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeChatTest extends AppTest {

  @Test
  void chatStreamsOrderedChunksThenDoneWithUsageCostAndAQuotaPush(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> api.newSession(u).compose(s -> listen(u).compose(b -> {
      String sessionId = s.getString("session_id");
      // the registration is processed before the send: frames on one socket are handled in order
      return b.request("chat.send", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", "tell me a long story")
              .put("request_id", "req-1"))
          .compose(reply -> {
            assertTrue(reply.getBoolean("accepted"));
            String turnId = reply.getString("turn_id");
            return b.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id"))))
                .compose(fs -> b.await(fsx -> BridgeClient.bodies(fsx, "quota").stream().anyMatch(q -> q.getLong("daily_used") == 1)
                    && BridgeClient.bodies(fsx, "done").size() == 1).map(all -> {
                  List<JsonObject> chunks = BridgeClient.bodies(all, "chunk");
                  // unpaced, the agent's chunks come faster than frames go out, and several share a frame: at least one frame
                  assertFalse(chunks.isEmpty(), "the answer streams in chunk frames");
                  StringBuilder text = new StringBuilder();
                  for (int i = 0; i < chunks.size(); i++) {
                    JsonObject c = chunks.get(i);
                    assertEquals(i, c.getInteger("seq"), "chunks arrive in order");
                    assertEquals(turnId, c.getString("turn_id"));
                    assertEquals(sessionId, c.getString("session_id"));
                    text.append(c.getString("text"));
                  }
                  assertTrue(text.toString().contains("tell me a long story"));
                  JsonObject done = BridgeClient.bodies(all, "done").get(0);
                  assertEquals("completed", done.getString("status"));
                  JsonObject usage = done.getJsonObject("usage");
                  assertTrue(usage.getBoolean("estimated"));
                  long in = usage.getLong("input_tokens");
                  long out = usage.getLong("output_tokens");
                  assertEquals((text.length() + 3) / 4, out, "output tokens are estimated from the text streamed");
                  // offline agent priced as Claude 3 Haiku (0.25 / 1.25 per million) + one orchestration (0.001) + storage of the text
                  double expected = in * 0.25e-6 + out * 1.25e-6 + 0.001 + io.agentchat.support.Costs.storageUsd("tell me a long story", text.toString());
                  assertEquals(expected, done.getDouble("cost_usd"), 1e-12);
                  assertFalse(BridgeClient.bodies(all, "trace").isEmpty(), "trace steps are pushed");
                  JsonObject quota = BridgeClient.bodies(all, "quota").get(BridgeClient.bodies(all, "quota").size() - 1);
                  assertEquals(50, quota.getInteger("daily_limit"));
                  assertEquals(1000, quota.getInteger("monthly_limit"));
                  assertEquals(1, quota.getInteger("active_sessions"));
                  assertEquals(1, quota.getInteger("session_limit"));
                  return b;
                }));
          })
          .compose(BridgeClient::close)
          .compose(v -> api.get("/api/tenants/acme/sessions/" + sessionId + "/messages", u.idToken()))
          .map(r -> {
            List<Object> ms = r.bodyAsJsonObject().getJsonArray("messages").getList();
            assertEquals(2, ms.size(), "the user message and the reply are stored");
            return null;
          });
    }))).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void registeringOnAnotherUsersOrTenantsAddressIsRefused(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(ada -> api.signupAndLogin("bob@beta.test", "beta", "basic", null).compose(bob -> BridgeClient.connect(vertx, app.httpPort())
            .compose(b -> {
              b.register("client.beta." + bob.sub(), ada.idToken());
              b.register("client.acme.someone-else", ada.idToken());
              b.register("monitor.beta", ada.idToken());
              b.register("client.acme." + ada.sub(), "not-a-token");
              return b.await(fs -> fs.stream().filter(f -> "err".equals(f.getString("type"))
                      && String.valueOf(f.getString("message")).startsWith("access_denied")).count() == 4)
                  .compose(fs -> b.request("chat.send", bob.idToken(), new JsonObject().put("message", "hi"))
                      .map(reply -> fs))
                  .compose(fs -> b.close().map(fs));
            })))
        .onComplete(ctx.succeeding(fs -> ctx.verify(() -> {
          assertTrue(fs.stream().noneMatch(f -> "rec".equals(f.getString("type"))), "nothing was delivered to the intruder");
          ctx.completeNow();
        })));
  }

  @Test
  void identityHeadersFromTheBrowserAreIgnoredAndUnauthenticatedSendsRefused(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(ada -> api.signupAndLogin("bob@beta.test", "beta", "basic", null).compose(bob -> BridgeClient.connect(vertx, app.httpPort())
            .compose(b -> {
              // bob's token, but headers claiming to be ada: the turn must be bob's
              JsonObject forged = new JsonObject().put("Authorization", "Bearer " + bob.idToken())
                  .put("x-agentchat-tenant", "acme").put("x-agentchat-user", ada.sub()).put("x-agentchat-tier", "premium");
              return b.request("chat.send", forged, new JsonObject().put("message", "whose turn is this?"))
                  .compose(reply -> b.request("chat.send", new JsonObject(), new JsonObject().put("message", "no token")).transform(ar -> {
                    assertTrue(ar.failed());
                    BridgeError e = assertInstanceOf(BridgeError.class, ar.cause());
                    assertEquals("access_denied", e.code());
                    return api.usage(ada).compose(u1 -> api.usage(bob).map(u2 -> {
                      assertEquals(0, u1.getInteger("daily_used"), "nothing charged to the impersonated user");
                      assertEquals(1, u2.getInteger("daily_used"), "charged to the token's user");
                      assertEquals("basic", u2.getString("tier"));
                      return b;
                    }));
                  }))
                  .compose(BridgeClient::close);
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void sendFailuresCarryTheContractCodes(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> listen(u).compose(b ->
        b.request("chat.send", u.idToken(), new JsonObject().put("session_id", "no-such-session").put("message", "hi")).transform(ar -> {
          assertEquals("not_found", ((BridgeError) ar.cause()).code());
          return b.request("chat.send", u.idToken(), new JsonObject().put("message", ""));
        }).transform(ar -> {
          assertEquals("invalid_request", ((BridgeError) ar.cause()).code());
          return b.request("chat.send", u.idToken(), new JsonObject().put("message", "x".repeat(4001)));
        }).transform(ar -> {
          assertEquals("invalid_request", ((BridgeError) ar.cause()).code());
          return api.newSession(u).compose(s -> api.newSession(u));
        }).transform(ar -> {
          assertTrue(ar.failed(), "basic allows one open session");
          return b.close();
        }))).onComplete(ctx.succeedingThenComplete());
  }
}
