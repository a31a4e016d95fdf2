package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.TokenEstimate;
import io.agentchat.config.AppConfig.AgentConfig;
import io.agentchat.config.AppConfig.OpenAi;
import io.agentchat.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any server with OpenAI's chat-completions API (Ollama, llama.cpp server, vLLM, ...): streamed with server-sent
 * events, usage requested with {@code stream_options.include_usage}, the server's tools offered as functions and run
 * here. A server that reports no usage gets its tokens counted locally and flagged estimated: never zero.
 */
public final class OpenAiBackend implements AgentBackend {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiBackend.class);
  static final int MAX_ROUNDS = 5;

  private final Vertx vertx;
  private final AgentConfig config;
  private final OpenAi openai;
  private final AgentTools tools;
  private final Store store;
  private final HttpClient http;

  public OpenAiBackend(Vertx vertx, AgentConfig config, AgentTools tools, Store store) {
    this.vertx = vertx;
    this.config = config;
    this.openai = config.openai();
    this.tools = tools;
    this.store = store;
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
  }

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public Future<Void> ready() {
    return Future.succeededFuture();
  }

  @Override
  public void close() {
    http.close();
  }

  private static final class Turn {
    final StringBuilder text = new StringBuilder();
    final List<String> used = new ArrayList<>();
    final JsonArray messages = new JsonArray();
    long inputTokens;
    long outputTokens;
    boolean estimated;
  }

  private static final class Round {
    final StringBuilder text = new StringBuilder();
    final List<JsonObject> toolCalls = new ArrayList<>(); // {id, name, arguments}
    String finish;
    JsonObject usage;
  }

  @Override
  public Future<AgentResult> invoke(AgentRequest req, Sink sink) {
    String model = openai.model(req.identity().tier());
    Turn turn = new Turn();
    return Conversation.history(store, req).compose(history -> {
      turn.messages.add(new JsonObject().put("role", "system").put("content", Conversation.systemPrompt(req)));
      history.forEach(l -> turn.messages.add(new JsonObject().put("role", l.role()).put("content", l.text())));
      turn.messages.add(new JsonObject().put("role", "user").put("content", req.message()));
      return rounds(req, sink, model, turn, 0);
    }).recover(t -> {
      if (turn.text.length() > 0) {
        if (turn.outputTokens == 0) {
          // the failed round reported nothing: count what was sent and produced
          turn.estimated = true;
          turn.inputTokens += TokenEstimate.of(turn.messages.encode());
          turn.outputTokens += TokenEstimate.of(turn.text.toString());
        }
        return Future.succeededFuture(result(turn, model, "failed", t instanceof AppException a ? a.getMessage() : String.valueOf(t.getMessage())));
      }
      return Future.failedFuture(t instanceof AppException ? t : ErrorCode.AGENT_ERROR.exception("The model server failed: " + t.getMessage()));
    });
  }

  private Future<AgentResult> rounds(AgentRequest req, Sink sink, String model, Turn turn, int round) {
    JsonArray sent = turn.messages.copy();
    return withRetry(req, sink, model, turn, 0).compose(r -> {
      account(turn, r, sent);
      if (sink.cancelled()) {
        return Future.succeededFuture(result(turn, model, "cancelled", null));
      }
      if (r.toolCalls.isEmpty() || round + 1 >= MAX_ROUNDS) {
        return Future.succeededFuture(result(turn, model, "completed", null));
      }
      JsonArray calls = new JsonArray();
      r.toolCalls.forEach(c -> calls.add(new JsonObject().put("id", c.getString("id")).put("type", "function")
          .put("function", new JsonObject().put("name", c.getString("name")).put("arguments", c.getString("arguments")))));
      turn.messages.add(new JsonObject().put("role", "assistant").put("content", r.text.length() > 0 ? r.text.toString() : null)
          .put("tool_calls", calls));
      Future<Void> chain = Future.succeededFuture();
      for (JsonObject c : r.toolCalls) {
        chain = chain.compose(v -> tools.run(c.getString("name"), parse(c.getString("arguments")), req, sink, turn.used).map(out -> {
          turn.messages.add(new JsonObject().put("role", "tool").put("tool_call_id", c.getString("id")).put("content", out.encode()));
          return null;
        }));
      }
      return chain.compose(v -> rounds(req, sink, model, turn, round + 1));
    });
  }

  /** Adds a round's usage, or a local count of what was sent and produced when the server reported none. */
  private static void account(Turn turn, Round r, JsonArray sent) {
    if (r.usage != null && r.usage.getValue("prompt_tokens") instanceof Number p) {
      turn.inputTokens += p.longValue();
      turn.outputTokens += r.usage.getValue("completion_tokens") instanceof Number c ? c.longValue() : 0;
      return;
    }
    turn.estimated = true;
    turn.inputTokens += TokenEstimate.of(sent.encode());
    StringBuilder produced = new StringBuilder(r.text);
    r.toolCalls.forEach(c -> produced.append(c.getString("name")).append(c.getString("arguments")));
    turn.outputTokens += TokenEstimate.of(produced.toString());
  }

  private static JsonObject parse(String json) {
    try {
      return json == null || json.isBlank() ? new JsonObject() : new JsonObject(json);
    } catch (DecodeException e) {
      return new JsonObject();
    }
  }

  private Future<Round> withRetry(AgentRequest req, Sink sink, String model, Turn turn, int attempt) {
    return round(req, sink, model, turn).recover(t -> {
      boolean retry = turn.text.length() == 0 && t instanceof Retryable && attempt < config.retries() && !sink.cancelled();
      if (!retry) {
        return Future.failedFuture(t instanceof Retryable r ? r.getCause() : t);
      }
      long delay = 200L << (2 * attempt);
      LOG.warn("model server call failed before any output, retrying in {} ms: tenant={} turn={} cause={}", delay,
          req.identity().tenantId(), req.turnId(), t.getMessage());
      Promise<Round> p = Promise.promise();
      vertx.setTimer(delay, id -> withRetry(req, sink, model, turn, attempt + 1).onComplete(p));
      return p.future();
    });
  }

  /** A failure worth another try (rate limit, server error, connection problem). */
  private static final class Retryable extends RuntimeException {
    Retryable(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private JsonObject body(AgentRequest req, String model, Turn turn) {
    JsonObject body = new JsonObject().put("model", model).put("messages", turn.messages).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true)).put("max_tokens", openai.maxTokens());
    JsonArray fns = new JsonArray();
    tools.available(req.identity().tier()).forEach(t -> fns.add(new JsonObject().put("type", "function").put("function",
        new JsonObject().put("name", t.name()).put("description", t.description()).put("parameters", t.inputSchema()))));
    if (!fns.isEmpty()) {
      body.put("tools", fns);
    }
    return body;
  }

  private Future<Round> round(AgentRequest req, Sink sink, String model, Turn turn) {
    Promise<Round> done = Promise.promise();
    Round r = new Round();
    HttpClientRequest[] request = new HttpClientRequest[1];
    StreamGuard guard = new StreamGuard(vertx, config.timeoutMs(), config.idleTimeoutMs(), done, () -> {
      if (request[0] != null) {
        request[0].reset();
      }
    });
    sink.onCancel(() -> {
      if (request[0] != null) {
        request[0].reset();
      }
      guard.done();
      done.tryComplete(r);
    });
    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(openai.baseUrl() + "/chat/completions")
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream");
    if (openai.apiKey() != null) {
      opts.putHeader("Authorization", "Bearer " + openai.apiKey());
    }
    sink.trace("model_invocation", new JsonObject().put("model", model));
    http.request(opts).compose(hr -> {
      request[0] = hr;
      return hr.send(Buffer.buffer(body(req, model, turn).encode()));
    }).onSuccess(resp -> {
      if (resp.statusCode() != 200) {
        resp.body().onComplete(b -> {
          guard.done();
          String text = b.succeeded() ? b.result().toString() : "";
          RuntimeException e = ErrorCode.AGENT_ERROR.exception("The model server answered " + resp.statusCode()
              + (text.isBlank() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) : text)));
          done.tryFail(resp.statusCode() == 429 || resp.statusCode() >= 500 ? new Retryable(e) : e);
        });
        return;
      }
      RecordParser lines = RecordParser.newDelimited("\n", line -> {
        guard.touch();
        if (!done.future().isComplete()) {
          event(line.toString().trim(), r, turn, sink);
        }
      });
      resp.handler(lines);
      resp.exceptionHandler(t -> {
        guard.done();
        done.tryFail(new Retryable(t));
      });
      resp.endHandler(v -> {
        guard.done();
        done.tryComplete(r);
      });
    }).onFailure(t -> {
      guard.done();
      done.tryFail(new Retryable(t));
    });
    return done.future();
  }

  /** One server-sent-events line. */
  private static void event(String line, Round r, Turn turn, Sink sink) {
    if (!line.startsWith("data:")) {
      return;
    }
    String data = line.substring(5).trim();
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
      r.usage = u;
      sink.trace("model_output", new JsonObject().put("usage", new JsonObject().put("input_tokens", u.getValue("prompt_tokens"))
          .put("output_tokens", u.getValue("completion_tokens"))));
    }
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null || choices.isEmpty()) {
      return;
    }
    JsonObject choice = choices.getJsonObject(0);
    if (choice.getString("finish_reason") != null) {
      r.finish = choice.getString("finish_reason");
    }
    JsonObject delta = choice.getJsonObject("delta");
    if (delta == null) {
      return;
    }
    if (delta.getValue("content") instanceof String text && !text.isEmpty() && !sink.cancelled()) {
      r.text.append(text);
      turn.text.append(text);
      sink.chunk(text);
    }
    if (delta.getValue("tool_calls") instanceof JsonArray calls) {
      for (Object o : calls) {
        JsonObject c = (JsonObject) o;
        int index = c.getInteger("index", r.toolCalls.size());
        while (r.toolCalls.size() <= index) {
          r.toolCalls.add(new JsonObject().put("id", "call-" + r.toolCalls.size()).put("name", "").put("arguments", ""));
        }
        JsonObject target = r.toolCalls.get(index);
        if (c.getString("id") != null) {
          target.put("id", c.getString("id"));
        }
        JsonObject fn = c.getJsonObject("function");
        if (fn != null) {
          if (fn.getString("name") != null) {
            target.put("name", target.getString("name") + fn.getString("name"));
          }
          if (fn.getString("arguments") != null) {
            target.put("arguments", target.getString("arguments") + fn.getString("arguments"));
          }
        }
      }
    }
  }

  private static AgentResult result(Turn turn, String model, String status, String error) {
    return new AgentResult(status, turn.text.toString(), turn.inputTokens, turn.outputTokens, turn.estimated, model, turn.used, error);
  }
}
