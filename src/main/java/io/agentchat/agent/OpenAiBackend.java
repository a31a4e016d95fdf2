package io.agentchat.agent;

import io.agentchat.agent.Conversation.Exchange;
import io.agentchat.common.AppException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Any server with OpenAI's chat-completions API (Ollama, llama.cpp server, vLLM, ...): streamed with server-sent
 * events, usage requested with {@code stream_options.include_usage}, the server's tools offered as functions and run by
 * the {@link ToolLoop}. This class is the wire protocol: the request body, and the events read into a {@link Round}.
 */
public final class OpenAiBackend extends ServiceBackend {
  private final OpenAiConfig openai;
  private final HttpClient http;

  public OpenAiBackend(Vertx vertx, AgentConfig config, AgentTools tools) {
    super(vertx, config, tools, "openai", new ToolLoop.Failures(OpenAiBackend::retryable, OpenAiBackend::describe));
    this.openai = config.openai();
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
  }

  @Override
  String model(String tier) {
    return openai.model(tier);
  }

  /** The server answered with an HTTP error; 429 and 5xx are worth another try. */
  private static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String body) {
      super("The model server answered " + status + (body.isBlank() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) : body)),
          null, false, false);
      this.status = status;
    }
  }

  private static boolean retryable(Throwable t) {
    // a connection or stream failure is worth another try; a timeout (an AppException) is not
    return t instanceof Refused r ? r.status == 429 || r.status >= 500 : !(t instanceof AppException);
  }

  private static String describe(Throwable t) {
    return t instanceof Refused ? t.getMessage() : ToolLoop.describe("The model server failed", t);
  }

  @Override
  public void start(Conversation conversation, StreamCall call) {
    Round r = call.round();
    String model = r.turn.model();
    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(openai.baseUrl() + "/chat/completions")
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
    TraceHeaders.of(r.turn.req).forEach(opts::putHeader);
    if (openai.apiKey() != null) {
      opts.putHeader("Authorization", "Bearer " + openai.apiKey());
    }
    r.turn.sink.trace("model_invocation", new JsonObject().put("model", model));
    http.request(opts).compose(request -> {
      call.abortWith(request::reset);
      return request.send(Buffer.buffer(body(model, conversation, r.turn.req.sampling()).encode()));
    }).onSuccess(resp -> read(resp, call, r)).onFailure(call::fail);
  }

  private static void read(HttpClientResponse resp, StreamCall call, Round r) {
    if (resp.statusCode() != 200) {
      resp.body().onComplete(b -> call.fail(new Refused(resp.statusCode(), b.succeeded() ? b.result().toString() : "")));
      return;
    }
    ServerSentEvents.read(resp, call, data -> event(data.trim(), r));
  }

  private JsonObject body(String model, Conversation conversation, io.agentchat.agent.AgentMessages.Sampling sampling) {
    JsonObject body = new JsonObject().put("model", model).put("messages", messages(conversation)).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true)).put("max_tokens", sampling.maxTokens(openai.maxTokens()));
    if (sampling.temperature() != null) {
      body.put("temperature", sampling.temperature());
    }
    if (sampling.topP() != null) {
      body.put("top_p", sampling.topP());
    }
    JsonArray fns = new JsonArray();
    conversation.tools.forEach(t -> fns.add(new JsonObject().put("type", "function").put("function",
        new JsonObject().put("name", t.name()).put("description", t.description()).put("parameters", t.inputSchema()))));
    if (!fns.isEmpty()) {
      body.put("tools", fns);
    }
    return body;
  }

  /** The conversation as chat messages: each tool exchange is an assistant message with the tool calls, then one tool message a result. */
  private static JsonArray messages(Conversation conversation) {
    JsonArray out = new JsonArray().add(new JsonObject().put("role", "system").put("content", conversation.system));
    conversation.lines.forEach(l -> out.add(new JsonObject().put("role", l.role()).put("content", l.text())));
    for (Exchange e : conversation.exchanges) {
      JsonArray calls = new JsonArray();
      e.round().toolCalls.forEach(c -> calls.add(new JsonObject().put("id", c.id).put("type", "function")
          .put("function", new JsonObject().put("name", c.name()).put("arguments", c.arguments.toString()))));
      out.add(new JsonObject().put("role", "assistant").put("content", e.round().text.isEmpty() ? null : e.round().text.toString())
          .put("tool_calls", calls));
      for (int i = 0; i < calls.size(); i++) {
        out.add(new JsonObject().put("role", "tool").put("tool_call_id", e.round().toolCalls.get(i).id).put("content", e.results().get(i).encode()));
      }
    }
    return out;
  }

  /** The data of one server-sent event. */
  private static void event(String data, Round r) {
    if (data.isEmpty() || data.equals("[DONE]")) {
      return;
    }
    JsonObject chunk;
    try {
      chunk = new JsonObject(data);
    } catch (DecodeException e) {
      return;
    }
    if (chunk.getValue("usage") instanceof JsonObject u) {
      if (u.getValue("prompt_tokens") instanceof Number p) {
        r.usage(p, u.getValue("completion_tokens") instanceof Number c ? c : 0);
      }
      r.turn.sink.trace("model_output", new JsonObject().put("usage", new JsonObject().put("input_tokens", u.getValue("prompt_tokens"))
          .put("output_tokens", u.getValue("completion_tokens"))));
    }
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return;
    }
    JsonObject choice = choices.getJsonObject(0);
    if (choice.getString("finish_reason") != null) {
      r.stop = choice.getString("finish_reason");
    }
    JsonObject delta = choice.getJsonObject("delta");
    if (delta == null) {
      return;
    }
    if (delta.getValue("content") instanceof String text) {
      r.chunk(text);
    }
    if (delta.getValue("tool_calls") instanceof JsonArray calls) {
      r.toolUse = true; // the server asks for tools whenever it sends tool calls, whatever its finish reason
      calls.forEach(o -> toolCall((JsonObject) o, r));
    }
  }

  /** A piece of a streamed tool call: its index says which call it continues. */
  private static void toolCall(JsonObject c, Round r) {
    int index = c.getInteger("index", r.toolCalls.size());
    while (r.toolCalls.size() <= index) {
      r.toolCall("call-" + r.toolCalls.size(), "");
    }
    Round.ToolCall target = r.toolCalls.get(index);
    if (c.getString("id") != null) {
      target.id = c.getString("id");
    }
    JsonObject fn = c.getJsonObject("function");
    if (fn != null) {
      if (fn.getString("name") != null) {
        target.name.append(fn.getString("name"));
      }
      if (fn.getString("arguments") != null) {
        target.arguments.append(fn.getString("arguments"));
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
