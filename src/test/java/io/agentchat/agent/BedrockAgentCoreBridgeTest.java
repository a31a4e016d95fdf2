package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.Costs;
import io.agentchat.support.Poll;
import io.agentchat.support.StandInServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat path end to end over the event-bus bridge with the AgentCore provider: chunks streamed in order as the runtime
 * paces them, usage from the runtime's events, its tool use metered as a tool action, the trace steps pushed and stored,
 * the turn's span exported with the GenAI attributes and its trace context sent to the runtime, and a cancelled turn
 * closing the runtime's stream and metered for what it produced.
 */
class BedrockAgentCoreBridgeTest extends AppTest {
  private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}");
  static final AgentCoreStandIn runtime = AgentCoreStandIn.create();
  @RegisterExtension
  static final StandInServer server = runtime.server();
  @RegisterExtension
  static final StandInServer collector = new StandInServer().otherwise(BedrockAgentCoreBridgeTest::accept);

  private static void accept(HttpServerRequest req, Buffer body) {
    req.response().putHeader("Content-Type", "application/x-protobuf").end();
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = BedrockAgentCoreBackendTest.agentCore(super.config(dir), server.baseUrl());
    c.put("telemetry", new JsonObject().put("otlpEndpoint", collector.baseUrl()).put("serviceName", "agent-chat-test"));
    return c;
  }

  @AfterEach
  void everyCallPassedTheServicesChecks() {
    assertEquals(List.of(), runtime.problems());
  }

  /** Everything exported to /v1/traces so far, as Latin-1 text (the protobuf's strings and raw ids show through). */
  private static String spans() {
    return String.join("|", collector.requests("/v1/traces").stream()
        .map(r -> new String(r.body().getBytes(), StandardCharsets.ISO_8859_1)).toList());
  }

  @Test
  void aTurnWithAToolStreamsItsChunksMetersTheRuntimesUsageAndToolAndStoresItsTrace(VertxTestContext ctx) {
    String message = "what is the weather in Lisbon?";
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> listen(u).compose(b ->
        b.request("chat.send", u.idToken(), new JsonObject().put("message", message).put("request_id", "core-1"))
            .compose(acc -> b.await(BridgeClient.has("done", d -> d.getString("turn_id").equals(acc.getString("turn_id")))).map(fs -> {
              List<JsonObject> chunks = BridgeClient.bodies(fs, "chunk");
              StringBuilder text = new StringBuilder();
              for (int i = 0; i < chunks.size(); i++) {
                assertEquals(i, chunks.get(i).getInteger("seq"), "in order");
                text.append(chunks.get(i).getString("text"));
              }
              assertTrue(chunks.size() >= 2, "paced by the runtime, the answer arrives in several frames: " + chunks.size());
              assertEquals("It is sunny in Lisbon.", text.toString(), "text streamed once; the finished messages add none");
              JsonObject done = BridgeClient.bodies(fs, "done").get(0);
              assertEquals("completed", done.getString("status"));
              JsonObject usage = done.getJsonObject("usage");
              assertEquals(30 + 50, usage.getInteger("input_tokens"), "both model calls of the runtime");
              assertEquals(6 + 8, usage.getInteger("output_tokens"));
              assertFalse(usage.getBoolean("estimated"));
              // priced as agent.bedrockAgentCore.model (Claude 3 Haiku 0.25 / 1.25 per million) + orchestration + one tool action
              assertEquals(80 * 0.25e-6 + 14 * 1.25e-6 + 0.001 + 0.0005 + Costs.storageUsd(message, text.toString()),
                  done.getDouble("cost_usd"), 1e-12);
              List<String> steps = BridgeClient.bodies(fs, "trace").stream().map(t -> t.getString("step")).toList();
              assertTrue(steps.containsAll(List.of("model_invocation", "tool_call", "observation", "model_output")), steps.toString());
              JsonObject tool = BridgeClient.bodies(fs, "trace").stream().filter(t -> t.getString("step").equals("tool_call")).findFirst()
                  .orElseThrow();
              assertEquals("get_weather", tool.getString("tool"));
              return acc.getString("turn_id");
            }))
            .compose(turnId -> app.store().usage().turnEvents("acme", turnId).compose(events -> {
              assertEquals(1, events.stream().filter(e -> e.kind() == UsageKind.TOOL_ACTION).count(), "the runtime's tool use, once");
              return api.get("/api/tenants/acme/turns/" + turnId + "/trace", u.idToken());
            }))
            .compose(r -> {
              assertEquals(200, r.statusCode(), r.bodyAsString());
              List<String> stored = r.bodyAsJsonObject().getJsonArray("steps").stream().map(o -> ((JsonObject) o).getString("step")).toList();
              assertTrue(stored.containsAll(List.of("tool_call", "observation", "model_output")), "stored for audit: " + stored);
              String traceparent = runtime.calls(message).get(0).header("traceparent");
              assertTrue(traceparent != null, "the turn's trace context goes to the runtime");
              Matcher m = TRACEPARENT.matcher(traceparent);
              assertTrue(m.matches(), traceparent);
              String traceId = new String(HexFormat.of().parseHex(m.group(1)), StandardCharsets.ISO_8859_1);
              String spanId = new String(HexFormat.of().parseHex(m.group(2)), StandardCharsets.ISO_8859_1);
              return Poll.until(vertx, Duration.ofSeconds(20), () -> {
                String all = spans();
                return all.contains(traceId) && all.contains(spanId) && all.contains("gen_ai.operation.name") && all.contains("invoke_agent")
                    && all.contains("gen_ai.system") && all.contains("aws.bedrock") && all.contains("gen_ai.usage.input_tokens")
                    && all.contains("tenant.id") && all.contains("acme");
              });
            })
            .compose(v -> b.close())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aCancelledTurnClosesTheRuntimesStreamAndIsMeteredForWhatItProduced(VertxTestContext ctx) {
    String message = "tell me a long story";
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> listen(u).compose(b ->
        b.request("chat.send", u.idToken(), new JsonObject().put("message", message))
            .compose(accepted -> b.await(fs -> BridgeClient.bodies(fs, "chunk").size() >= 3).map(accepted.getString("turn_id")))
            .compose(turnId -> b.request("chat.cancel", u.idToken(), new JsonObject().put("turn_id", turnId)).map(turnId))
            .compose(turnId -> b.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id")))).compose(fs -> {
              JsonObject done = BridgeClient.bodies(fs, "done").get(0);
              assertEquals("cancelled", done.getString("status"));
              assertTrue(done.getJsonObject("usage").getLong("output_tokens") > 0, "what streamed is metered");
              assertTrue(BridgeClient.bodies(fs, "error").isEmpty(), "a cancelled turn is no error");
              return Poll.until(vertx, Duration.ofSeconds(10), () -> runtime.closedEarly().contains(message))
                  .compose(v -> app.store().usage().turnEvents("acme", turnId));
            }))
            .map(events -> {
              assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() > 0), events.toString());
              assertEquals(1, runtime.calls(message).size());
              return b;
            })
            .compose(BridgeClient::close)))
        .onComplete(ctx.succeedingThenComplete());
  }
}
