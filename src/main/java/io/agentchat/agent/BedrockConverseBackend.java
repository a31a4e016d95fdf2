package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.Conversation.Exchange;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.GuardrailStreamConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;

/**
 * Amazon Bedrock Converse (ConverseStream): a model chosen per tier, the session's earlier turns as history, and the
 * server's tools (weather, usage) offered by tier; the {@link ToolLoop} runs them. Usage comes from each call's metadata
 * event. This class is the wire protocol: the request, and the stream's events read into a {@link Round}.
 */
public final class BedrockConverseBackend extends ServiceBackend {
  private final BedrockConverseConfig converse;
  private final InferenceConfiguration inference;
  /** The configured guardrail, or null. */
  private final GuardrailStreamConfiguration guardrail;
  private final BedrockRuntimeAsyncClient client;

  private final io.agentchat.metering.Pricing pricing;

  public BedrockConverseBackend(Vertx vertx, AgentConfig config, AgentTools tools, io.agentchat.metering.Pricing pricing) {
    super(vertx, config, tools, "bedrock-converse", AwsClients.failures("The model service failed"));
    this.pricing = pricing;
    this.converse = config.bedrockConverse();
    this.inference = InferenceConfiguration.builder().maxTokens(converse.maxTokens()).build();
    this.guardrail = converse.guardrailId() == null ? null : GuardrailStreamConfiguration.builder()
        .guardrailIdentifier(converse.guardrailId()).guardrailVersion(converse.guardrailVersion()).trace("enabled").build();
    // ConverseStream only streams from the server: HTTP/1.1 is enough and works with any proxy
    this.client = AwsClients.build(BedrockRuntimeAsyncClient.builder(), converse.region(), converse.endpoint(),
        NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1));
  }

  @Override
  String model(String tier) {
    return converse.model(tier);
  }

  /** Converse runs any model: a program's choice among its plan's models is invoked by its Bedrock id. */
  @Override
  String model(AgentRequest req) {
    return req.model() != null ? pricing.serviceId(req.model()) : model(req.identity().tier());
  }

  @Override
  public void start(Conversation conversation, StreamCall call) {
    Round r = call.round();
    Turn turn = r.turn;
    String model = turn.model();
    Round.ToolCall[] open = new Round.ToolCall[1]; // the tool-use block being streamed
    ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
        .subscriber(ConverseStreamResponseHandler.Visitor.builder()
            .onContentBlockStart(call.on(e -> {
              call.touch();
              if (e.start() != null && e.start().toolUse() != null) {
                open[0] = r.toolCall(e.start().toolUse().toolUseId(), e.start().toolUse().name());
              }
            }))
            .onContentBlockDelta(call.on(e -> {
              if (!call.open()) {
                return;
              }
              call.touch();
              if (e.delta().text() != null && !e.delta().text().isEmpty()) {
                r.chunk(e.delta().text());
              } else if (e.delta().toolUse() != null && open[0] != null) {
                open[0].arguments.append(e.delta().toolUse().input());
              }
            }))
            .onContentBlockStop(call.on(e -> open[0] = null))
            .onMessageStop(call.on(e -> {
              call.touch();
              r.stop = e.stopReasonAsString();
              r.toolUse = e.stopReason() == StopReason.TOOL_USE;
            }))
            .onMetadata(call.on(e -> {
              if (e.usage() != null) {
                r.usage(e.usage().inputTokens(), e.usage().outputTokens());
                turn.sink.trace("model_output", new JsonObject().put("model", model).put("stop_reason", String.valueOf(r.stop))
                    .put("usage", new JsonObject().put("input_tokens", e.usage().inputTokens()).put("output_tokens", e.usage().outputTokens())));
              }
            }))
            .build())
        .onError(call.on(call::fail))
        .onComplete(call.on(call::end))
        .build();
    turn.sink.trace("model_invocation", new JsonObject().put("model", model).put("tools", conversation.tools.size()));
    call.track(client.converseStream(request(model, conversation, r.turn.req), handler));
  }

  private ConverseStreamRequest request(String model, Conversation conversation, AgentRequest req) {
    List<Tool> toolList = conversation.tools.stream()
        .map(t -> Tool.fromToolSpec(ToolSpecification.builder().name(t.name()).description(t.description())
            .inputSchema(ToolInputSchema.fromJson(Documents.of(t.inputSchema()))).build()))
        .toList();
    return ConverseStreamRequest.builder()
        .modelId(model)
        .system(SystemContentBlock.fromText(conversation.system))
        .messages(messages(conversation))
        .inferenceConfig(inference(req.sampling()))
        .toolConfig(ToolConfiguration.builder().tools(toolList).build())
        .guardrailConfig(guardrail)
        .overrideConfiguration(o -> TraceHeaders.of(req).forEach(o::putHeader))
        .build();
  }

  /** The configured inference settings, with what a program asked for within them. */
  private InferenceConfiguration inference(io.agentchat.agent.AgentMessages.Sampling s) {
    if (s.equals(io.agentchat.agent.AgentMessages.Sampling.DEFAULT)) {
      return inference;
    }
    InferenceConfiguration.Builder b = InferenceConfiguration.builder().maxTokens(s.maxTokens(converse.maxTokens()));
    if (s.temperature() != null) {
      b.temperature(s.temperature().floatValue());
    }
    if (s.topP() != null) {
      b.topP(s.topP().floatValue());
    }
    return b.build();
  }

  /** The conversation as Converse messages: each tool exchange is an assistant message with the tool uses, then a user message with the results. */
  private static List<Message> messages(Conversation conversation) {
    List<Message> out = new ArrayList<>();
    conversation.lines.forEach(l -> out.add(message(l.role().equals("user") ? ConversationRole.USER : ConversationRole.ASSISTANT,
        List.of(ContentBlock.fromText(l.text())))));
    for (Exchange e : conversation.exchanges) {
      List<ContentBlock> uses = new ArrayList<>();
      List<ContentBlock> results = new ArrayList<>();
      if (!e.round().text.isEmpty()) {
        uses.add(ContentBlock.fromText(e.round().text.toString()));
      }
      for (int i = 0; i < e.round().toolCalls.size(); i++) {
        Round.ToolCall c = e.round().toolCalls.get(i);
        JsonObject result = e.results().get(i);
        uses.add(ContentBlock.fromToolUse(ToolUseBlock.builder().toolUseId(c.id).name(c.name()).input(Documents.of(c.input())).build()));
        results.add(ContentBlock.fromToolResult(ToolResultBlock.builder().toolUseId(c.id)
            .content(ToolResultContentBlock.fromJson(Documents.of(result))).status(result.containsKey("error") ? "error" : "success").build()));
      }
      out.add(message(ConversationRole.ASSISTANT, uses));
      out.add(message(ConversationRole.USER, results));
    }
    return out;
  }

  private static Message message(ConversationRole role, List<ContentBlock> content) {
    return Message.builder().role(role).content(content).build();
  }

  @Override
  public void close() {
    client.close();
  }
}
