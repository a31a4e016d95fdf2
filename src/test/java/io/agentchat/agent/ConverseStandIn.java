package io.agentchat.agent;

import static io.agentchat.agent.AwsEventStream.event;

import io.agentchat.support.StandInServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A local stand-in for Bedrock's ConverseStream over HTTP/1.1, writing genuine event-stream frames. A message asking
 * about "usage" gets a tool-use round (the usage tool); the follow-up call with the tool result gets a text answer quoting it.
 * A message containing "no metadata" gets an answer without the metadata event (no usage reported).
 * It checks no signature: the client signs with the build's static dummy credentials (Surefire's aws.* properties).
 */
final class ConverseStandIn {
  private ConverseStandIn() {
  }

  /** The stand-in, for {@code @RegisterExtension}: it records every call. */
  static StandInServer server() {
    return new StandInServer().otherwise(ConverseStandIn::answer);
  }

  private static void answer(HttpServerRequest req, Buffer buf) {
    JsonObject body = buf.toJsonObject();
    String path = URLDecoder.decode(req.path(), StandardCharsets.UTF_8);
    HttpServerResponse res = StandInServer.streaming(req.response(), AwsEventStream.CONTENT_TYPE);
    JsonArray messages = body.getJsonArray("messages");
    JsonObject last = messages.getJsonObject(messages.size() - 1);
    JsonObject firstBlock = last.getJsonArray("content").getJsonObject(0);
    res.write(event("messageStart", new JsonObject().put("role", "assistant")));
    if (firstBlock.containsKey("toolResult")) {
      String result = firstBlock.getJsonObject("toolResult").getJsonArray("content").getJsonObject(0).getJsonObject("json").encode();
      text(res, 0, List.of("Tool ", "said: ", result));
      res.write(event("messageStop", new JsonObject().put("stopReason", "end_turn")));
      res.write(event("metadata", usage(7, 9)));
    } else if (firstBlock.getString("text", "").contains("usage")) {
      text(res, 0, List.of("Let me ", "check. "));
      res.write(event("contentBlockStart", new JsonObject().put("contentBlockIndex", 1)
          .put("start", new JsonObject().put("toolUse", new JsonObject().put("toolUseId", "tu-1").put("name", "usage")))));
      res.write(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 1)
          .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", "{")))));
      res.write(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 1)
          .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", "}")))));
      res.write(event("contentBlockStop", new JsonObject().put("contentBlockIndex", 1)));
      res.write(event("messageStop", new JsonObject().put("stopReason", "tool_use")));
      res.write(event("metadata", usage(11, 13)));
    } else {
      text(res, 0, List.of("Hi ", "from ", path.split("/")[2]));
      res.write(event("messageStop", new JsonObject().put("stopReason", "end_turn")));
      if (!firstBlock.getString("text", "").contains("no metadata")) {
        res.write(event("metadata", usage(5, 6)));
      }
    }
    res.end();
  }

  private static void text(HttpServerResponse res, int index, List<String> parts) {
    for (String p : parts) {
      res.write(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", index).put("delta", new JsonObject().put("text", p))));
    }
    res.write(event("contentBlockStop", new JsonObject().put("contentBlockIndex", index)));
  }

  private static JsonObject usage(int in, int out) {
    return new JsonObject().put("usage", new JsonObject().put("inputTokens", in).put("outputTokens", out).put("totalTokens", in + out))
        .put("metrics", new JsonObject().put("latencyMs", 1));
  }
}
