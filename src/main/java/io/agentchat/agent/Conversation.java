package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.Line;
import io.agentchat.agent.AgentTools.ToolSpec;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What a model is sent for a turn, whatever its wire protocol: the system prompt with the tenant context, the tools the
 * tier offers, the session's earlier lines and the new message, then each tool exchange so far (the model's tool calls
 * and the tools' results).
 */
final class Conversation {
  /** One tool exchange: the model's round (its text and tool calls) and the result of each call, in the same order. */
  record Exchange(Round round, List<JsonObject> results) {
  }

  final String system;
  final List<ToolSpec> tools;
  /** The earlier lines, oldest first, and last the new message. */
  final List<Line> lines = new ArrayList<>();
  final List<Exchange> exchanges = new ArrayList<>();

  Conversation(AgentRequest req, List<ToolSpec> tools) {
    this.system = systemPrompt(req);
    this.tools = List.copyOf(tools);
    lines.addAll(req.history());
    lines.add(new Line("user", req.message()));
  }

  static String systemPrompt(AgentRequest req) {
    return "You are the assistant of Agent Chat for the organisation \"" + req.identity().tenantId() + "\" on the "
        + req.identity().tier() + " plan, talking with a user whose role is " + req.identity().role() + ". Answer clearly and "
        + "briefly. Use the tools you are given when they help; never invent weather or usage figures.";
  }

  String message() {
    return lines.get(lines.size() - 1).text();
  }

  /** All that is sent, as one text: what a call's input is estimated from when the service reports no usage. */
  String text() {
    StringBuilder out = new StringBuilder(system);
    lines.forEach(l -> out.append('\n').append(l.text()));
    for (Exchange e : exchanges) {
      out.append('\n').append(e.round().produced());
      e.results().forEach(r -> out.append('\n').append(r.encode()));
    }
    return out.toString();
  }
}
