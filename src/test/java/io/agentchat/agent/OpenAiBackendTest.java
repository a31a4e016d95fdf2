package io.agentchat.agent;

import static io.agentchat.support.StandInServer.sse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.StandInServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The OpenAI-compatible backend against a local server streaming chat completions as server-sent events. */
class OpenAiBackendTest extends AppTest {
  @RegisterExtension
  static final StandInServer server = new StandInServer().otherwise(OpenAiBackendTest::answer);

  private static JsonObject delta(JsonObject delta, String finish) {
    return new JsonObject().put("object", "chat.completion.chunk")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finish)));
  }

  /** Chat completions streamed as server-sent events: a tool call when asked about usage, its result quoted when it comes back. */
  private static void answer(HttpServerRequest req, Buffer buf) {
    JsonObject body = buf.toJsonObject();
    HttpServerResponse res = StandInServer.streaming(req.response(), "text/event-stream");
    JsonArray messages = body.getJsonArray("messages");
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    boolean usage = !String.valueOf(messages.getJsonObject(1).getValue("content")).contains("no usage");
    if (last.getString("role").equals("tool")) {
      sse(res, delta(new JsonObject().put("content", "Your usage: "), null));
      sse(res, delta(new JsonObject().put("content", last.getString("content")), "stop"));
      if (usage) {
        sse(res, new JsonObject().put("choices", new JsonArray()).put("usage", new JsonObject().put("prompt_tokens", 40).put("completion_tokens", 8)));
      }
    } else if (last.getString("content").contains("usage")) {
      JsonObject first = new JsonObject().put("index", 0).put("id", "call_1").put("type", "function")
          .put("function", new JsonObject().put("name", "usage").put("arguments", "{"));
      sse(res, delta(new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(first)), null));
      JsonObject rest = new JsonObject().put("index", 0).put("function", new JsonObject().put("arguments", "}"));
      sse(res, delta(new JsonObject().put("tool_calls", new JsonArray().add(rest)), "tool_calls"));
      if (usage) {
        sse(res, new JsonObject().put("choices", new JsonArray()).put("usage", new JsonObject().put("prompt_tokens", 30).put("completion_tokens", 5)));
      }
    } else {
      for (String w : List.of("Hello ", "from ", body.getString("model"))) {
        sse(res, delta(new JsonObject().put("content", w), null));
      }
      sse(res, delta(new JsonObject(), "stop"));
      if (usage) {
        sse(res, new JsonObject().put("choices", new JsonArray()).put("usage", new JsonObject().put("prompt_tokens", 12).put("completion_tokens", 3)));
      }
    }
    res.end("data: [DONE]\n\n");
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").put("provider", "openai").put("openai", new JsonObject()
        .put("baseUrl", server.baseUrl() + "/v1").put("apiKey", "sk-test").put("model", "llama3.1")
        .put("modelByTier", new JsonObject().put("premium", "qwen2.5")));
    return c;
  }

  @Test
  void streamsTextAndUsesTheReportedUsage(VertxTestContext ctx) {
    api.signupAndLogin("p@prem.test", "prem-co", "premium", null)
        .compose(u -> api.chat(u, "hello"))
        .map(t -> {
          assertEquals("Hello from qwen2.5", t.getString("reply"), "the tier's model");
          assertEquals(12, t.getJsonObject("usage").getInteger("input_tokens"));
          assertEquals(3, t.getJsonObject("usage").getInteger("output_tokens"));
          assertFalse(t.getJsonObject("usage").getBoolean("estimated"));
          JsonObject req = server.last().json();
          assertTrue(req.getBoolean("stream"));
          assertTrue(req.getJsonObject("stream_options").getBoolean("include_usage"));
          assertEquals("system", req.getJsonArray("messages").getJsonObject(0).getString("role"));
          assertEquals(2, req.getJsonArray("tools").size(), "premium: weather and usage");
          assertEquals("Bearer sk-test", server.last().header("Authorization"));
          assertTrue(server.last().header("baggage").contains("tenant.id=prem-co"), "the trace context carries the tenant");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withoutUsageFromTheServerTokensAreEstimatedNeverZero(VertxTestContext ctx) {
    api.signupAndLogin("b@basic.test", "basic-co", "basic", null)
        .compose(u -> api.chat(u, "no usage please"))
        .map(t -> {
          JsonObject usage = t.getJsonObject("usage");
          assertTrue(usage.getBoolean("estimated"));
          assertTrue(usage.getInteger("input_tokens") > 0);
          assertTrue(usage.getInteger("output_tokens") > 0);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aToolCallRunsTheServersToolAndTheAnswerFollows(VertxTestContext ctx) {
    api.signupAndLogin("b@basic.test", "basic-co", "basic", null)
        .compose(u -> api.chat(u, "what is my usage?").compose(t -> app.store().usage().turnEvents("basic-co", t.getString("turn_id")).map(events -> {
          String reply = t.getString("reply");
          assertTrue(reply.startsWith("Your usage: {") && reply.contains("\"daily_used\":1"), reply);
          assertEquals(30 + 40, t.getJsonObject("usage").getInteger("input_tokens"));
          assertEquals(5 + 8, t.getJsonObject("usage").getInteger("output_tokens"));
          assertEquals(1, events.stream().filter(e -> e.kind() == UsageKind.TOOL_ACTION).count());
          List<StandInServer.Request> requests = server.requests();
          JsonObject second = requests.get(requests.size() - 1).json();
          JsonArray msgs = second.getJsonArray("messages");
          assertEquals("call_1", msgs.getJsonObject(msgs.size() - 2).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
          assertEquals("tool", msgs.getJsonObject(msgs.size() - 1).getString("role"));
          assertEquals(1, requests.get(requests.size() - 2).json().getJsonArray("tools").size(), "basic: the usage tool only");
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aProgramsConversationAndSamplingReachTheModelServerWhichRunsItsOwnModel(VertxTestContext ctx) {
    api.signupAndLogin("p@prem.test", "prem-co", "premium", null)
        .compose(u -> api.post("/api/admin/tenants/prem-co/api-keys", u.idToken(), new JsonObject().put("name", "k").put("user_id", u.sub()))
            .compose(r -> io.agentchat.support.Api.expect(r, 201)))
        .compose(k -> api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + k.getString("key"))
            .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(new JsonObject()
                .put("temperature", 0.5).put("top_p", 0.9).put("max_completion_tokens", 100_000).put("stream", true)
                .put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "user").put("content", "hi"))
                    .add(new JsonObject().put("role", "assistant").put("content", "hello!"))
                    .add(new JsonObject().put("role", "user").put("content", new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "and ")).add(new JsonObject().put("type", "text").put("text", "now?")))))
                .encode())))
        .map(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertTrue(r.bodyAsString().contains("qwen2.5"), "the server's model for the plan answered: " + r.bodyAsString());
          JsonObject sent = server.last().json();
          JsonArray messages = sent.getJsonArray("messages");
          assertEquals("system", messages.getJsonObject(0).getString("role"), "the product's system prompt first");
          assertEquals("hi", messages.getJsonObject(1).getString("content"));
          assertEquals("hello!", messages.getJsonObject(2).getString("content"));
          assertEquals("and now?", messages.getJsonObject(3).getString("content"));
          assertEquals(0.5, sent.getDouble("temperature"), 1e-9);
          assertEquals(0.9, sent.getDouble("top_p"), 1e-9);
          assertEquals(1024, sent.getInteger("max_tokens"), "capped at the configured maxTokens");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
