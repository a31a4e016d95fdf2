package io.agentchat.gateway;

import io.agentchat.agent.AgentMessages.Line;
import io.agentchat.agent.AgentMessages.Sampling;
import io.agentchat.common.ErrorCode;
import io.agentchat.tier.Tier;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A program's {@code POST /v1/chat/completions} body, checked as OpenAI's clients send it: the conversation (its last
 * message the user's, which is the turn's question; the earlier ones its history, folded into alternating user and
 * assistant lines, system and developer instructions put before the first user line), the model among the plan's, and
 * how the answer is wanted. Every problem is an invalid_request naming the field.
 */
record CompletionRequest(List<Line> history, String message, String model, Sampling sampling, boolean stream, boolean includeUsage, String user) {
  static final int MAX_MESSAGES = 1000;
  static final List<String> FIELDS = List.of("messages", "model", "stream", "stream_options", "max_tokens", "max_completion_tokens",
      "temperature", "top_p", "n", "user");

  static CompletionRequest parse(JsonBody b, Tier tier) {
    b.only(FIELDS.toArray(String[]::new));
    String model = b.optional("model");
    if (model == null || model.isEmpty()) {
      model = tier.defaultModel();
    } else if (!tier.models().contains(model)) {
      throw ErrorCode.MODEL_NOT_FOUND.exception("The model \"" + model + "\" is not available on the " + tier.name() + " plan; it offers "
          + String.join(", ", tier.models()) + ".");
    }
    boolean stream = b.bool("stream");
    boolean includeUsage = false;
    if (b.value("stream_options") != null) {
      if (!(b.value("stream_options") instanceof JsonObject o) || !o.fieldNames().stream().allMatch("include_usage"::equals)
          || o.containsKey("include_usage") && !(o.getValue("include_usage") instanceof Boolean)) {
        throw ErrorCode.INVALID_REQUEST.exception("stream_options must be an object with include_usage (true or false).");
      }
      if (!stream) {
        throw ErrorCode.INVALID_REQUEST.exception("stream_options is only allowed with stream: true.");
      }
      includeUsage = o.getBoolean("include_usage", false);
    }
    Integer maxTokens = b.wholeNumber("max_completion_tokens", 1, 1_000_000, "");
    if (maxTokens == null) {
      maxTokens = b.wholeNumber("max_tokens", 1, 1_000_000, "");
    }
    Sampling sampling = new Sampling(maxTokens, number(b, "temperature", 0, 2), number(b, "top_p", 0, 1));
    if (b.value("n") != null && !(b.value("n") instanceof Number n && n.doubleValue() == 1)) {
      throw ErrorCode.INVALID_REQUEST.exception("n must be 1: the agent gives one answer a request.");
    }
    String user = b.optional("user");
    if (user != null && user.length() > 256) {
      throw ErrorCode.INVALID_REQUEST.exception("user must be at most 256 characters.");
    }
    List<Line> lines = lines(b.value("messages"));
    Line last = lines.get(lines.size() - 1);
    if (!last.role().equals("user")) {
      throw ErrorCode.INVALID_REQUEST.exception("messages must end with a message of role user: it is the question the agent answers.");
    }
    return new CompletionRequest(List.copyOf(lines.subList(0, lines.size() - 1)), last.text(), model, sampling, stream, includeUsage, user);
  }

  private static Double number(JsonBody b, String field, double min, double max) {
    Object v = b.value(field);
    if (v != null && !(v instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw ErrorCode.INVALID_REQUEST.exception(field + " must be a number from " + min + " to " + max + ".");
    }
    return v == null ? null : ((Number) v).doubleValue();
  }

  /** The conversation as alternating lines, user first, the instructions before the first user line. */
  private static List<Line> lines(Object messages) {
    if (!(messages instanceof JsonArray a) || a.isEmpty()) {
      throw ErrorCode.INVALID_REQUEST.exception("messages is required: a non-empty array of {role, content}.");
    }
    if (a.size() > MAX_MESSAGES) {
      throw ErrorCode.INVALID_REQUEST.exception("messages may hold at most " + MAX_MESSAGES + " messages.");
    }
    StringBuilder instructions = new StringBuilder();
    List<String> roles = new ArrayList<>();
    List<StringBuilder> texts = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      if (!(a.getValue(i) instanceof JsonObject m)) {
        throw ErrorCode.INVALID_REQUEST.exception("messages[" + i + "] must be an object {role, content}.");
      }
      for (String f : m.fieldNames()) {
        if (!f.equals("role") && !f.equals("content") && !f.equals("name")) {
          throw ErrorCode.INVALID_REQUEST.exception("messages[" + i + "]." + f + " is not supported (a message takes role, content and name).");
        }
      }
      String role = m.getValue("role") instanceof String r ? r : null;
      if (role == null || !List.of("system", "developer", "user", "assistant").contains(role)) {
        throw ErrorCode.INVALID_REQUEST.exception("messages[" + i + "].role must be system, developer, user or assistant"
            + ("tool".equals(role) ? " (the agent runs its own tools)." : "."));
      }
      String text = content(m.getValue("content"), i);
      if (role.equals("system") || role.equals("developer")) {
        instructions.append(instructions.length() == 0 ? "" : "\n\n").append(text);
        continue;
      }
      if (role.equals("assistant") && roles.isEmpty()) {
        continue; // an answer before any question: nothing asked it
      }
      if (!roles.isEmpty() && roles.get(roles.size() - 1).equals(role)) {
        texts.get(texts.size() - 1).append("\n\n").append(text);
      } else {
        roles.add(role);
        texts.add(new StringBuilder(text));
      }
    }
    if (roles.isEmpty()) {
      throw ErrorCode.INVALID_REQUEST.exception("messages must hold a message of role user.");
    }
    if (instructions.length() > 0) {
      texts.get(0).insert(0, "Instructions: " + instructions + "\n\n");
    }
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < roles.size(); i++) {
      out.add(new Line(roles.get(i), texts.get(i).toString()));
    }
    return out;
  }

  /** A message's text: a string, or text parts. */
  private static String content(Object c, int i) {
    if (c instanceof String s) {
      return s;
    }
    if (c instanceof JsonArray parts && !parts.isEmpty()) {
      StringBuilder out = new StringBuilder();
      for (Object p : parts) {
        if (!(p instanceof JsonObject o) || !"text".equals(o.getValue("type")) || !(o.getValue("text") instanceof String t)) {
          throw ErrorCode.INVALID_REQUEST.exception("messages[" + i + "].content may hold only text parts {type: \"text\", text}.");
        }
        out.append(t);
      }
      return out.toString();
    }
    throw ErrorCode.INVALID_REQUEST.exception("messages[" + i + "].content must be a string or an array of text parts.");
  }
}
