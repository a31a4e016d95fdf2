package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.TokenEstimate;
import io.agentchat.support.AppTest;
import io.agentchat.support.StandInServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Converse backend through the real SDK client against an HTTP/1.1 stand-in writing event-stream frames. */
class BedrockConverseBackendTest extends AppTest {
  @RegisterExtension
  static final StandInServer standIn = ConverseStandIn.server();

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").put("provider", "bedrock-converse")
        .put("bedrockConverse", new JsonObject().put("region", "us-east-1").put("endpoint", standIn.baseUrl())
            .put("model", "anthropic.claude-3-haiku-20240307-v1:0")
            .put("modelByTier", new JsonObject().put("premium", "anthropic.claude-3-5-sonnet-20240620-v1:0")));
    return c;
  }

  @Test
  void aToolUseRoundTripRunsTheServersToolAndSumsUsage(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "what is my usage?")).map(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          JsonObject t = r.bodyAsJsonObject();
          assertEquals("completed", t.getString("status"));
          String reply = t.getString("reply");
          assertTrue(reply.startsWith("Let me check. Tool said: {"), reply);
          assertTrue(reply.contains("\"daily_used\":1") && reply.contains("\"daily_limit\":50"), "the tool read the user's own quota: " + reply);
          JsonObject usage = t.getJsonObject("usage");
          assertEquals(11 + 7, usage.getInteger("input_tokens"), "summed over both rounds");
          assertEquals(13 + 9, usage.getInteger("output_tokens"));
          assertFalse(usage.getBoolean("estimated"));
          assertEquals(18 * 0.25e-6 + 22 * 1.25e-6 + 0.001 + 0.0005 + io.agentchat.support.Costs.storageUsd("what is my usage?", reply),
              t.getDouble("cost_usd"), 1e-12, "Haiku prices + one tool action + storage");
          List<StandInServer.Request> calls = standIn.requests().stream()
              .filter(c -> c.json().getJsonArray("messages").getJsonObject(0).getJsonArray("content").getJsonObject(0)
                  .getString("text", "").equals("what is my usage?")).toList();
          assertEquals(2, calls.size(), "the model is called again with the tool result");
          JsonObject first = calls.get(0).json();
          assertEquals("/model/anthropic.claude-3-haiku-20240307-v1:0/converse-stream", calls.get(0).path());
          assertTrue(calls.get(0).header("baggage").contains("tenant.id=acme"), "the trace context reaches Bedrock");
          JsonArray offered = first.getJsonObject("toolConfig").getJsonArray("tools");
          assertEquals(1, offered.size(), "basic is offered the usage tool only (no weather)");
          assertEquals("usage", offered.getJsonObject(0).getJsonObject("toolSpec").getString("name"));
          assertTrue(first.getJsonArray("system").getJsonObject(0).getString("text").contains("\"acme\""));
          JsonArray second = calls.get(1).json().getJsonArray("messages");
          assertEquals("tu-1", second.getJsonObject(1).getJsonArray("content").getJsonObject(1).getJsonObject("toolUse").getString("toolUseId"));
          return null;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withoutUsageFromTheServiceInputAndOutputAreEstimated(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "no metadata please"))
        .map(t -> {
          assertEquals("completed", t.getString("status"));
          JsonObject usage = t.getJsonObject("usage");
          assertTrue(usage.getBoolean("estimated"), "a call without usage is counted locally and flagged");
          assertTrue(usage.getInteger("input_tokens") > TokenEstimate.of("no metadata please"), "the system prompt and the message were sent");
          assertEquals(TokenEstimate.of(t.getString("reply")), usage.getLong("output_tokens"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theTiersModelAndTheSessionHistoryAreSent(VertxTestContext ctx) {
    api.signupAndLogin("p@prem.test", "prem-co", "premium", null)
        .compose(u -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "first question")).compose(r1 ->
            api.post("/api/chat", u.idToken(), new JsonObject().put("message", "second question")
                .put("session_id", r1.bodyAsJsonObject().getString("session_id")))))
        .map(r -> {
          JsonObject t = r.bodyAsJsonObject();
          assertEquals("Hi from anthropic.claude-3-5-sonnet-20240620-v1:0", t.getString("reply"));
          JsonObject last = standIn.last().json();
          JsonArray messages = last.getJsonArray("messages");
          assertEquals(3, messages.size(), "the earlier turn and the new message");
          assertEquals("first question", messages.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
          assertEquals("assistant", messages.getJsonObject(1).getString("role"));
          assertEquals(2, last.getJsonObject("toolConfig").getJsonArray("tools").size(), "premium gets weather and usage");
          assertEquals(5 * 3e-6 + 6 * 15e-6 + 0.001 + io.agentchat.support.Costs.storageUsd("second question", t.getString("reply")),
              t.getDouble("cost_usd"), 1e-12, "priced as Claude 3.5 Sonnet");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aProgramsModelConversationAndSamplingAreSentAndItIsPricedAsThatModel(VertxTestContext ctx) {
    api.signupAndLogin("p@prem.test", "prem-co", "premium", null)
        .compose(u -> api.post("/api/admin/tenants/prem-co/api-keys", u.idToken(), new JsonObject().put("name", "k").put("user_id", u.sub()))
            .compose(r -> io.agentchat.support.Api.expect(r, 201)))
        .compose(k -> api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + k.getString("key"))
            .putHeader("Content-Type", "application/json").sendBuffer(io.vertx.core.buffer.Buffer.buffer(new JsonObject()
                .put("model", "anthropic.claude-3-5-haiku").put("temperature", 0.25).put("max_tokens", 64)
                .put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "system").put("content", "Answer in French."))
                    .add(new JsonObject().put("role", "user").put("content", "earlier question"))
                    .add(new JsonObject().put("role", "assistant").put("content", "earlier answer"))
                    .add(new JsonObject().put("role", "user").put("content", "new question"))).encode())))
        .map(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          JsonObject c = r.bodyAsJsonObject();
          assertEquals("Hi from anthropic.claude-3-5-haiku-20241022-v1:0",
              c.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"), "the model the program asked for");
          assertEquals(5, c.getJsonObject("usage").getInteger("prompt_tokens"), "the service's own usage");
          JsonObject sent = standIn.last().json();
          JsonArray messages = sent.getJsonArray("messages");
          assertEquals(3, messages.size(), "the program's conversation: " + messages);
          assertEquals("Instructions: Answer in French.\n\nearlier question",
              messages.getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("text"));
          assertEquals("assistant", messages.getJsonObject(1).getString("role"));
          assertEquals("new question", messages.getJsonObject(2).getJsonArray("content").getJsonObject(0).getString("text"));
          assertEquals(64, sent.getJsonObject("inferenceConfig").getInteger("maxTokens"));
          assertEquals(0.25, sent.getJsonObject("inferenceConfig").getDouble("temperature"), 1e-6);
          double storage = io.agentchat.support.Costs.storageUsd("new question", "Hi from anthropic.claude-3-5-haiku-20241022-v1:0");
          assertEquals(5 * 0.8e-6 + 6 * 4e-6 + 0.001 + storage, c.getJsonObject("agent_chat").getDouble("cost_usd"), 1e-12,
              "priced as Claude 3.5 Haiku");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
