package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.TokenEstimate;
import io.agentchat.config.AppConfig.AgentConfig;
import io.agentchat.config.AppConfig.BedrockConverse;
import io.agentchat.store.Store;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailStreamConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * Amazon Bedrock Converse (ConverseStream): a model chosen per tier, the session's earlier turns as history, and the
 * server's tools (weather, usage) offered by tier. The tool loop runs here: a {@code tool_use} stop runs the tools and
 * calls the model again with their results. Usage is summed over the rounds from each metadata event.
 */
public final class BedrockConverseBackend implements AgentBackend {
  private static final Logger LOG = LoggerFactory.getLogger(BedrockConverseBackend.class);
  static final int MAX_ROUNDS = 5;

  private final Vertx vertx;
  private final AgentConfig config;
  private final BedrockConverse converse;
  private final AgentTools tools;
  private final Store store;
  private final BedrockRuntimeAsyncClient client;

  public BedrockConverseBackend(Vertx vertx, AgentConfig config, AgentTools tools, Store store) {
    this.vertx = vertx;
    this.config = config;
    this.converse = config.bedrockConverse();
    this.tools = tools;
    this.store = store;
    var builder = BedrockRuntimeAsyncClient.builder()
        .region(Region.of(converse.region()))
        // ConverseStream only streams from the server: HTTP/1.1 is enough and works with any proxy
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).connectionTimeout(Duration.ofSeconds(5)))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (converse.endpoint() != null) {
      builder.endpointOverride(URI.create(converse.endpoint()));
    }
    this.client = builder.build();
  }

  @Override
  public String name() {
    return "bedrock-converse";
  }

  @Override
  public Future<Void> ready() {
    return Future.succeededFuture();
  }

  @Override
  public void close() {
    client.close();
  }

  /** The whole turn: text so far, usage, tools run. */
  private static final class Turn {
    final StringBuilder text = new StringBuilder();
    final List<String> used = new ArrayList<>();
    final List<Message> messages = new ArrayList<>();
    long inputTokens;
    long outputTokens;
    boolean usageSeen;
  }

  /** One model call: its text, the tool uses it asked for, why it stopped. */
  private static final class Round {
    final StringBuilder text = new StringBuilder();
    final List<String[]> toolUses = new ArrayList<>(); // id, name, input JSON text
    StopReason stop;
  }

  @Override
  public Future<AgentResult> invoke(AgentRequest req, Sink sink) {
    String model = converse.model(req.identity().tier());
    Turn turn = new Turn();
    return Conversation.history(store, req).compose(history -> {
      for (Conversation.Line l : history) {
        turn.messages.add(Message.builder().role(l.role().equals("user") ? ConversationRole.USER : ConversationRole.ASSISTANT)
            .content(ContentBlock.fromText(l.text())).build());
      }
      turn.messages.add(Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText(req.message())).build());
      return rounds(req, sink, model, turn, 0);
    }).recover(t -> {
      if (turn.text.length() > 0 && !(t instanceof Retry)) {
        return Future.succeededFuture(result(turn, model, "failed", t instanceof AppException a ? a.getMessage() : describe(t)));
      }
      return Future.failedFuture(t instanceof AppException ? t : ErrorCode.AGENT_ERROR.exception(describe(t)));
    });
  }

  private Future<AgentResult> rounds(AgentRequest req, Sink sink, String model, Turn turn, int round) {
    return withRetry(req, sink, model, turn, 0).compose(r -> {
      if (sink.cancelled()) {
        return Future.succeededFuture(result(turn, model, "cancelled", null));
      }
      if (r.stop != StopReason.TOOL_USE || r.toolUses.isEmpty() || round + 1 >= MAX_ROUNDS) {
        return Future.succeededFuture(result(turn, model, "completed", null));
      }
      List<ContentBlock> assistant = new ArrayList<>();
      if (r.text.length() > 0) {
        assistant.add(ContentBlock.fromText(r.text.toString()));
      }
      Future<List<ContentBlock>> results = Future.succeededFuture(new ArrayList<>());
      for (String[] use : r.toolUses) {
        JsonObject input = parse(use[2]);
        assistant.add(ContentBlock.fromToolUse(ToolUseBlock.builder().toolUseId(use[0]).name(use[1]).input(Documents.of(input)).build()));
        results = results.compose(list -> tools.run(use[1], input, req, sink, turn.used).map(out -> {
          list.add(ContentBlock.fromToolResult(ToolResultBlock.builder().toolUseId(use[0])
              .content(ToolResultContentBlock.fromJson(Documents.of(out))).status(out.containsKey("error") ? "error" : "success").build()));
          return list;
        }));
      }
      return results.compose(list -> {
        turn.messages.add(Message.builder().role(ConversationRole.ASSISTANT).content(assistant).build());
        turn.messages.add(Message.builder().role(ConversationRole.USER).content(list).build());
        return rounds(req, sink, model, turn, round + 1);
      });
    });
  }

  private static JsonObject parse(String json) {
    try {
      return json == null || json.isBlank() ? new JsonObject() : new JsonObject(json);
    } catch (DecodeException e) {
      return new JsonObject();
    }
  }

  private static final class Retry extends RuntimeException {
    Retry(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  /** A round is retried (with backoff) only while nothing of the turn has reached the user. */
  private Future<Round> withRetry(AgentRequest req, Sink sink, String model, Turn turn, int attempt) {
    return round(req, sink, model, turn).recover(t -> {
      boolean retry = turn.text.length() == 0 && retryable(t) && attempt < config.retries() && !sink.cancelled();
      if (!retry) {
        return Future.failedFuture(t);
      }
      long delay = 200L << (2 * attempt);
      LOG.warn("converse call failed before any output, retrying in {} ms: tenant={} turn={} cause={}", delay,
          req.identity().tenantId(), req.turnId(), t.toString());
      Promise<Round> p = Promise.promise();
      vertx.setTimer(delay, id -> withRetry(req, sink, model, turn, attempt + 1).onComplete(p));
      return p.future();
    });
  }

  private Future<Round> round(AgentRequest req, Sink sink, String model, Turn turn) {
    Context ctx = vertx.getOrCreateContext();
    Promise<Round> done = Promise.promise();
    Round r = new Round();
    StringBuilder[] toolInput = new StringBuilder[1];
    CompletableFuture<?>[] call = new CompletableFuture<?>[1];
    StreamGuard guard = new StreamGuard(vertx, config.timeoutMs(), config.idleTimeoutMs(), done, () -> {
      if (call[0] != null) {
        call[0].cancel(true);
      }
    });
    sink.onCancel(() -> ctx.runOnContext(v -> {
      if (call[0] != null) {
        call[0].cancel(true);
      }
      guard.done();
      done.tryComplete(r);
    }));
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onContentBlockStart(e -> ctx.runOnContext(v -> {
              guard.touch();
              if (e.start() != null && e.start().toolUse() != null) {
                toolInput[0] = new StringBuilder();
                r.toolUses.add(new String[] {e.start().toolUse().toolUseId(), e.start().toolUse().name(), ""});
              }
            }))
            .onContentBlockDelta(e -> ctx.runOnContext(v -> {
              if (done.future().isComplete() || sink.cancelled()) {
                return;
              }
              guard.touch();
              if (e.delta().text() != null && !e.delta().text().isEmpty()) {
                r.text.append(e.delta().text());
                turn.text.append(e.delta().text());
                sink.chunk(e.delta().text());
              } else if (e.delta().toolUse() != null && toolInput[0] != null) {
                toolInput[0].append(e.delta().toolUse().input());
                r.toolUses.get(r.toolUses.size() - 1)[2] = toolInput[0].toString();
              }
            }))
            .onContentBlockStop(e -> ctx.runOnContext(v -> toolInput[0] = null))
            .onMessageStop(e -> ctx.runOnContext(v -> {
              guard.touch();
              r.stop = e.stopReason();
            }))
            .onMetadata(e -> ctx.runOnContext(v -> {
              if (e.usage() != null) {
                turn.usageSeen = true;
                turn.inputTokens += e.usage().inputTokens() == null ? 0 : e.usage().inputTokens();
                turn.outputTokens += e.usage().outputTokens() == null ? 0 : e.usage().outputTokens();
                sink.trace("model_output", new JsonObject().put("model", model).put("stop_reason", String.valueOf(r.stop))
                    .put("usage", new JsonObject().put("input_tokens", e.usage().inputTokens()).put("output_tokens", e.usage().outputTokens())));
              }
            }))
            .build())
        .onError(t -> ctx.runOnContext(v -> {
          guard.done();
          done.tryFail(BedrockAgentBackend.unwrap(t));
        }))
        .onComplete(() -> ctx.runOnContext(v -> {
          guard.done();
          done.tryComplete(r);
        }))
        .build();
    sink.trace("model_invocation", new JsonObject().put("model", model).put("tools", tools.available(req.identity().tier()).size()));
    call[0] = client.converseStream(request(req, model, turn), handler);
    call[0].whenComplete((x, t) -> {
      if (t != null) {
        ctx.runOnContext(v -> {
          guard.done();
          done.tryFail(BedrockAgentBackend.unwrap(t));
        });
      }
    });
    return done.future();
  }

  ConverseStreamRequest request(AgentRequest req, String model, Turn turn) {
    List<Tool> toolList = tools.available(req.identity().tier()).stream()
        .map(t -> Tool.fromToolSpec(ToolSpecification.builder().name(t.name()).description(t.description())
            .inputSchema(ToolInputSchema.fromJson(Documents.of(t.inputSchema()))).build()))
        .toList();
    ConverseStreamRequest.Builder b = ConverseStreamRequest.builder()
        .modelId(model)
        .system(SystemContentBlock.fromText(Conversation.systemPrompt(req)))
        .messages(turn.messages)
        .inferenceConfig(InferenceConfiguration.builder().maxTokens(converse.maxTokens()).build())
        .toolConfig(ToolConfiguration.builder().tools(toolList).build());
    if (converse.guardrailId() != null) {
      b.guardrailConfig(GuardrailStreamConfiguration.builder().guardrailIdentifier(converse.guardrailId())
          .guardrailVersion(converse.guardrailVersion()).trace("enabled").build());
    }
    return b.build();
  }

  private static AgentResult result(Turn turn, String model, String status, String error) {
    String text = turn.text.toString();
    if (!turn.usageSeen) {
      return new AgentResult(status, text, 0, TokenEstimate.of(text), true, model, turn.used, error);
    }
    return new AgentResult(status, text, turn.inputTokens, turn.outputTokens, false, model, turn.used, error);
  }

  static boolean retryable(Throwable t) {
    return t instanceof ThrottlingException || t instanceof InternalServerException || t instanceof ServiceUnavailableException
        || t instanceof ModelNotReadyException || t instanceof SdkClientException;
  }

  private static String describe(Throwable t) {
    if (t instanceof ThrottlingException) {
      return "The model service is busy (throttled); please try again shortly.";
    }
    if (t instanceof AppException a) {
      return a.getMessage();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return "The model service failed: " + (m.length() > 200 ? m.substring(0, 200) : m);
  }
}
