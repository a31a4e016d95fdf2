package io.agentchat.agent;

import static io.agentchat.agent.AwsEventStream.event;
import static io.agentchat.agent.AwsEventStream.exception;

import io.agentchat.support.StandInServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the Bedrock Agents runtime: answers InvokeAgent with genuine AWS event-stream frames (encoded by
 * the SDK's own eventstream codec), so the real SDK client reads them. What it does depends on the input text:
 * {@code throttle-first} (a throttling exception before any chunk on the first call), {@code throttle-late} (one chunk,
 * then a throttling exception), {@code stall} (one chunk, then silence), {@code no usage} (the answer without any trace),
 * anything else a normal answer.
 * It checks no signature: the client signs with the build's static dummy credentials (Surefire's aws.* properties).
 */
final class BedrockAgentStandIn {
  private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  private BedrockAgentStandIn() {
  }

  /** The stand-in, for {@code @RegisterExtension}: it records every call. */
  static StandInServer server() {
    return new StandInServer().otherwise(new BedrockAgentStandIn()::answer);
  }

  private void answer(HttpServerRequest req, Buffer buf) {
    JsonObject body = buf.toJsonObject();
    HttpServerResponse res = StandInServer.streaming(req.response(), AwsEventStream.CONTENT_TYPE)
        .putHeader("x-amzn-bedrock-agent-content-type", "application/json")
        .putHeader("x-amz-bedrock-agent-session-id", req.path().split("/")[6]);
    String input = body.getString("inputText", "");
    String tenant = body.getJsonObject("sessionState").getJsonObject("sessionAttributes").getString("tenant_id");
    int attempt = attempts.computeIfAbsent(input, k -> new AtomicInteger()).incrementAndGet();
    if (input.contains("throttle-first") && attempt == 1) {
      res.write(exception("throttlingException", "Rate exceeded"));
      res.end();
      return;
    }
    if (input.contains("no usage")) {
      res.write(chunk("Hello without usage"));
      res.end();
      return;
    }
    res.write(trace(new JsonObject().put("preProcessingTrace", new JsonObject().put("modelInvocationOutput",
        new JsonObject().put("metadata", usage(10, 5))))));
    res.write(trace(new JsonObject().put("orchestrationTrace", new JsonObject().put("modelInvocationInput",
        new JsonObject().put("foundationModel", "anthropic.claude-3-5-sonnet-20240620-v1:0").put("text", "prompt").put("type", "ORCHESTRATION")))));
    res.write(trace(new JsonObject().put("orchestrationTrace", new JsonObject().put("rationale", new JsonObject().put("text", "I should look it up.")))));
    res.write(trace(new JsonObject().put("orchestrationTrace", new JsonObject().put("invocationInput", new JsonObject()
        .put("invocationType", "ACTION_GROUP")
        .put("actionGroupInvocationInput", new JsonObject().put("actionGroupName", "weather-group").put("function", "get_weather"))))));
    res.write(trace(new JsonObject().put("orchestrationTrace", new JsonObject().put("modelInvocationOutput",
        new JsonObject().put("metadata", usage(20, 30))))));
    if (input.contains("throttle-late")) {
      res.write(chunk("partial answer for " + tenant + " "));
      res.write(exception("throttlingException", "Rate exceeded"));
      res.end();
      return;
    }
    if (input.contains("stall")) {
      res.write(chunk("the beginning "));
      return; // never ends
    }
    for (String part : List.of("Hello ", "from ", "Bedrock ", "for ", tenant)) {
      res.write(chunk(part));
    }
    res.write(trace(new JsonObject().put("postProcessingTrace", new JsonObject().put("modelInvocationOutput",
        new JsonObject().put("metadata", usage(3, 4))))));
    res.end();
  }

  private static JsonObject usage(int in, int out) {
    return new JsonObject().put("usage", new JsonObject().put("inputTokens", in).put("outputTokens", out));
  }

  private static Buffer chunk(String text) {
    return event("chunk", new JsonObject().put("bytes", Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
  }

  private static Buffer trace(JsonObject trace) {
    return event("trace", new JsonObject().put("agentId", "AGENT1").put("agentAliasId", "ALIAS1").put("sessionId", "s")
        .put("eventTime", "2026-01-01T00:00:00Z").put("trace", trace));
  }
}
