package io.agentchat.agent;

import io.agentchat.agent.BedrockAgentCoreBackend.AgentFailed;
import io.agentchat.agent.BedrockAgentCoreBackend.Malformed;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * What an AgentCore runtime answers, read into a {@link Round} and the turn's trace. A streamed answer is one JSON value
 * per server-sent event, in the shapes agents send: Strands' events (text in {@code event.contentBlockDelta.delta.text},
 * a tool use in {@code event.contentBlockStart.start.toolUse}, usage in {@code event.metadata.usage}, each finished
 * {@code message}), a plain JSON string, or {@code {"type":"text","data":...}}; an {@code error} event is the agent's own
 * failure. Other events (Strands' callback copies of the same text, lifecycle events) are skipped, so no text is shown
 * twice. A finished assistant message adds its text only when none of it was streamed. Data that is not JSON is a
 * malformed stream.
 */
final class AgentCoreEvents {
  private final Round r;
  /** The tool uses seen, by id: each is metered once, whether it arrives as a block start or in a finished message. */
  private final Set<String> toolUses = new HashSet<>();
  private boolean streamedSinceMessage;

  AgentCoreEvents(Round r) {
    this.r = r;
  }

  /** The data of one server-sent event. */
  void event(String data) {
    Object value;
    try {
      value = Json.decodeValue(data);
    } catch (DecodeException e) {
      throw new Malformed("an event is not JSON (" + (data.length() > 80 ? data.substring(0, 80) + "..." : data) + ")");
    }
    if (value instanceof String text) {
      text(text);
    } else if (value instanceof JsonObject o) {
      object(o);
    }
  }

  /** A whole {@code application/json} answer: a string, a message, or an object with the text and perhaps the usage. */
  void reply(String body) {
    Object value;
    try {
      value = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw new Malformed("the reply is not JSON");
    }
    if (value instanceof String text) {
      text(text);
      return;
    }
    if (!(value instanceof JsonObject o)) {
      throw new Malformed("the reply is neither text nor an object");
    }
    failure(o);
    if (o.getValue("usage") instanceof JsonObject u) {
      usage(u);
    }
    Object result = o.getValue("result", o.getValue("response", o.getValue("output", o.getValue("text"))));
    if (result instanceof String text) {
      text(text);
    } else if (result instanceof JsonObject m) {
      message(m);
    } else if (o.getValue("message") instanceof JsonObject m) {
      message(m);
    } else if (o.containsKey("event")) {
      object(o);
    }
  }

  private void object(JsonObject o) {
    failure(o);
    if ("text".equals(o.getString("type")) && o.getValue("data") instanceof String text) {
      text(text);
    } else if (o.getValue("event") instanceof JsonObject e) {
      streamEvent(e);
    } else if (o.getValue("message") instanceof JsonObject m) {
      message(m);
    }
  }

  /** The agent's own error ({@code {"error": ..., "error_type": ...}}, as the AgentCore SDK sends it): the turn fails. */
  private void failure(JsonObject o) {
    Object error = o.getValue("error");
    if (error == null) {
      return;
    }
    String why = error instanceof JsonObject e ? e.getString("message", e.encode()) : String.valueOf(error);
    r.turn.sink.trace("failure", new JsonObject().put("reason", why).put("type", o.getString("error_type")));
    throw new AgentFailed(why);
  }

  /** One of the model's stream events, as Strands passes them on. */
  private void streamEvent(JsonObject e) {
    JsonObject start = path(e, "contentBlockStart", "start", "toolUse");
    if (start != null) {
      toolUse(start.getString("toolUseId"), start.getString("name"), null);
    }
    JsonObject delta = path(e, "contentBlockDelta", "delta");
    if (delta != null && delta.getValue("text") instanceof String text) {
      text(text);
    }
    JsonObject stop = e.getJsonObject("messageStop");
    if (stop != null) {
      r.stop = stop.getString("stopReason");
    }
    JsonObject usage = path(e, "metadata", "usage");
    if (usage != null) {
      usage(usage);
    }
  }

  /** A finished message: the assistant's (its tool uses, and its text if none was streamed) or the tools' results. */
  private void message(JsonObject m) {
    boolean assistant = !"user".equals(m.getString("role"));
    JsonArray content = m.getValue("content") instanceof JsonArray a ? a : new JsonArray();
    boolean streamed = streamedSinceMessage;
    for (Object block : content) {
      if (!(block instanceof JsonObject b)) {
        continue;
      }
      if (assistant && !streamed && b.getValue("text") instanceof String text) {
        text(text);
      }
      if (assistant && b.getValue("toolUse") instanceof JsonObject use) {
        toolUse(use.getString("toolUseId"), use.getString("name"), use.getValue("input"));
      }
      if (b.getValue("toolResult") instanceof JsonObject result) {
        r.turn.sink.trace("observation", new JsonObject().put("tool_use_id", result.getString("toolUseId"))
            .put("status", result.getString("status")));
      }
    }
    if (m.getValue("content") instanceof String text && assistant && !streamed) {
      text(text);
    }
    streamedSinceMessage = false;
  }

  private void text(String text) {
    if (!text.isEmpty()) {
      r.chunk(text);
      streamedSinceMessage = true;
    }
  }

  /** A tool the runtime ran: metered as a tool action (once per tool use id) and traced. */
  private void toolUse(String id, String name, Object input) {
    if (id != null && !toolUses.add(id)) {
      return;
    }
    String tool = name == null ? "tool" : name;
    r.toolsRun.add(tool);
    r.turn.sink.trace("tool_call", new JsonObject().put("tool", tool).put("tool_use_id", id).put("input", input));
  }

  private void usage(JsonObject u) {
    Object in = u.getValue("inputTokens", u.getValue("input_tokens"));
    Object out = u.getValue("outputTokens", u.getValue("output_tokens"));
    if (in instanceof Number || out instanceof Number) {
      r.usage(in instanceof Number n ? n : 0, out instanceof Number n ? n : 0);
      r.turn.sink.trace("model_output", new JsonObject().put("usage", new JsonObject().put("input_tokens", in).put("output_tokens", out)));
    }
  }

  private static JsonObject path(JsonObject o, String... names) {
    JsonObject at = o;
    for (String n : names) {
      if (!(at.getValue(n) instanceof JsonObject next)) {
        return null;
      }
      at = next;
    }
    return at;
  }
}
