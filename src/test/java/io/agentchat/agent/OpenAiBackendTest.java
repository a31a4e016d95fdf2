package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.UsageKind;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible backend against a local server streaming chat completions as server-sent events. */
class OpenAiBackendTest extends AppTest {
  private static Vertx standInVertx;
  private static HttpServer server;
  private static final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private static final List<String> authorizations = new CopyOnWriteArrayList<>();

  private static void sse(HttpServerResponse res, JsonObject chunk) {
    res.write("data: " + chunk.encode() + "\n\n");
  }

  private static JsonObject delta(JsonObject delta, String finish) {
    return new JsonObject().put("object", "chat.completion.chunk")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finish)));
  }

  @BeforeAll
  static void start() throws Exception {
    standInVertx = Vertx.vertx();
    server = standInVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      JsonObject body = buf.toJsonObject();
      requests.add(body);
      authorizations.add(String.valueOf(req.getHeader("Authorization")));
      HttpServerResponse res = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
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
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    standInVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").put("provider", "openai").put("openai", new JsonObject()
        .put("baseUrl", "http://127.0.0.1:" + server.actualPort() + "/v1").put("apiKey", "sk-test").put("model", "llama3.1")
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
          JsonObject req = requests.get(requests.size() - 1);
          assertTrue(req.getBoolean("stream"));
          assertTrue(req.getJsonObject("stream_options").getBoolean("include_usage"));
          assertEquals("system", req.getJsonArray("messages").getJsonObject(0).getString("role"));
          assertEquals(2, req.getJsonArray("tools").size(), "premium: weather and usage");
          assertEquals("Bearer sk-test", authorizations.get(authorizations.size() - 1));
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
          JsonObject second = requests.get(requests.size() - 1);
          JsonArray msgs = second.getJsonArray("messages");
          assertEquals("call_1", msgs.getJsonObject(msgs.size() - 2).getJsonArray("tool_calls").getJsonObject(0).getString("id"));
          assertEquals("tool", msgs.getJsonObject(msgs.size() - 1).getString("role"));
          assertEquals(1, requests.get(requests.size() - 2).getJsonArray("tools").size(), "basic: the usage tool only");
          return null;
        })))
        .onComplete(ctx.succeedingThenComplete());
  }
}
