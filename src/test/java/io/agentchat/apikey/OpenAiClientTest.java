package io.agentchat.apikey;

import static io.agentchat.apikey.ProgramApiTest.createKey;
import static io.agentchat.support.Api.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.ChildProcess;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The server through OpenAI's official Node client library ({@code openai}, pinned in src/test/tools), as existing OpenAI
 * programs reach it: models, a whole answer, a stream with usage, an aborted stream, and the refusals as the library's
 * typed errors. The script is {@code src/test/tools/openai-client.mjs}.
 */
class OpenAiClientTest extends AppTest {
  private static final Path TOOLS = Path.of("src", "test", "tools");

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    TestApp.withTiers(c, dir, t -> t.getJsonObject("basic").put("daily_messages", 2));
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 20);
    return c;
  }

  @Test
  @Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
  void openAisNodeClientStreamsAndReadsTheAnswersUsageAndErrors(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(ada -> api.signupAndLogin("bob@globex.test", "globex", "basic", null)
        .compose(bob -> Future.all(createKey(api, ada, new JsonObject().put("name", "script").put("service_account", "script")),
            createKey(api, ada, new JsonObject().put("name", "old").put("user_id", ada.sub())),
            createKey(api, bob, new JsonObject().put("name", "basic").put("user_id", bob.sub()))).compose(cf -> {
              JsonObject key = cf.resultAt(0);
              JsonObject old = cf.resultAt(1);
              JsonObject basic = cf.resultAt(2);
              return api.client.delete("/api/admin/tenants/acme/api-keys/" + old.getString("id")).putHeader("Authorization", "Bearer " + ada.idToken())
                  .send().compose(r -> expect(r, 200))
                  .compose(v -> vertx.executeBlocking(() -> ChildProcess.output(List.of("node", TOOLS.resolve("openai-client.mjs").toString(),
                      "http://127.0.0.1:" + app.httpPort() + "/v1", key.getString("key"), old.getString("key"), basic.getString("key")), 90)))
                  .compose(output -> {
                    List<String> lines = output.lines().filter(l -> l.startsWith("{")).toList();
                    JsonObject out = new JsonObject(lines.get(lines.size() - 1));
                    check(out);
                    return noTurnsLeft().compose(v -> app.store().reports().keyTotals("acme", Instant.EPOCH, Instant.now().plusSeconds(60)));
                  }).compose(totals -> {
                    assertEquals(1, totals.size(), "every turn of the script is the script key's: " + totals);
                    assertEquals(3, totals.get(0).turns(), "the whole answer, the stream and the aborted stream");
                    return app.store().reports().topTurns("acme", null, Instant.EPOCH, Instant.now().plusSeconds(60), 10);
                  }).compose(top -> {
                    var cancelled = top.stream().filter(t -> t.status().equals("cancelled")).toList();
                    assertEquals(1, cancelled.size(), "the aborted stream stopped its turn: " + top);
                    return app.store().usage().turnEvents("acme", cancelled.get(0).turnId());
                  }).map(events -> {
                    assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() > 0),
                        "the aborted stream is metered for what it produced: " + events);
                    return null;
                  });
            }))).onComplete(ctx.succeedingThenComplete());
  }

  private static void check(JsonObject out) {
    assertEquals(new JsonArray().add("anthropic.claude-3-haiku").add("anthropic.claude-3-5-haiku").add("anthropic.claude-3-5-sonnet"),
        out.getJsonArray("models"), "the premium plan's models");
    JsonObject whole = out.getJsonObject("whole");
    assertEquals("chat.completion", whole.getString("object"));
    assertEquals("anthropic.claude-3-5-haiku", whole.getString("model"), "the model asked for");
    assertEquals("assistant", whole.getString("role"));
    assertEquals("stop", whole.getString("finish"));
    assertFalse(whole.getString("content").isBlank());
    JsonObject usage = whole.getJsonObject("usage");
    assertTrue(usage.getInteger("prompt_tokens") > 0 && usage.getInteger("completion_tokens") > 0, usage.encode());

    JsonObject streamed = out.getJsonObject("streamed");
    assertEquals("stop", streamed.getString("finish"));
    assertFalse(streamed.getString("content").isBlank());
    assertTrue(streamed.getInteger("chunks") > 3, streamed.encode());
    assertNotNull(streamed.getJsonObject("usage"), "include_usage: the usage chunk reached the client");
    assertEquals(streamed.getJsonObject("usage").getInteger("prompt_tokens") + streamed.getJsonObject("usage").getInteger("completion_tokens"),
        streamed.getJsonObject("usage").getInteger("total_tokens"));

    // the library ends the iteration of an aborted stream (quietly or with APIUserAbortError, by version) before the answer's end
    JsonObject aborted = out.getJsonObject("aborted");
    assertTrue(List.of("none", "APIUserAbortError").contains(aborted.getString("name")), aborted.encode());
    assertTrue(aborted.getString("seen").length() < streamed.getString("content").length(), aborted.encode());

    refused(out.getJsonObject("revoked"), 401, "AuthenticationError", "authentication_error", "unauthorized");
    refused(out.getJsonObject("unknownKey"), 401, "AuthenticationError", "authentication_error", "unauthorized");
    refused(out.getJsonObject("modelOfAnotherPlan"), 404, "NotFoundError", "not_found_error", "model_not_found");
    refused(out.getJsonObject("badRequest"), 400, "BadRequestError", "invalid_request_error", "invalid_request");
    JsonObject quota = out.getJsonObject("quota");
    refused(quota, 429, "RateLimitError", "insufficient_quota", "quota_exceeded");
    assertTrue(Long.parseLong(quota.getString("retryAfter")) >= 1, quota.encode());
  }

  private static void refused(JsonObject r, int status, String cls, String type, String code) {
    assertTrue(r.getBoolean("refused"), r.encode());
    assertEquals(status, r.getInteger("status"), r.encode());
    assertEquals(cls, r.getString("cls"), r.encode());
    assertEquals(type, r.getString("type"), r.encode());
    assertEquals(code, r.getString("code"), r.encode());
  }
}
