package io.agentchat.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;

/**
 * A local stand-in for Bedrock's ConverseStream over HTTP/1.1, writing genuine event-stream frames. A message asking
 * about "usage" gets a tool-use round (the usage tool); the follow-up call with the tool result gets a text answer quoting it.
 * A message containing "no metadata" gets an answer without the metadata event (no usage reported).
 */
final class ConverseStandIn {
  record Call(String path, JsonObject body) {
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  private HttpServer server;

  Future<Integer> start(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      JsonObject body = buf.toJsonObject();
      String path = java.net.URLDecoder.decode(req.path(), StandardCharsets.UTF_8);
      calls.add(new Call(path, body));
      HttpServerResponse res = req.response().setChunked(true).putHeader("Content-Type", "application/vnd.amazon.eventstream");
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
    })).listen(0, "127.0.0.1").map(s -> {
      server = s;
      return s.actualPort();
    });
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

  static Buffer event(String type, JsonObject payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Message(Map.of(":message-type", HeaderValue.fromString("event"), ":event-type", HeaderValue.fromString(type),
        ":content-type", HeaderValue.fromString("application/json")), payload.encode().getBytes(StandardCharsets.UTF_8)).encode(out);
    return Buffer.buffer(out.toByteArray());
  }
}
