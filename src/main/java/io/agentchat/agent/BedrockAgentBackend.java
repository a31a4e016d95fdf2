package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.common.Ids;
import io.vertx.core.Vertx;
import java.util.Map;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.bedrockagentruntime.BedrockAgentRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentRequest;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvokeAgentResponseHandler;
import software.amazon.awssdk.services.bedrockagentruntime.model.SessionState;
import software.amazon.awssdk.services.bedrockagentruntime.model.StreamingConfigurations;

/**
 * Amazon Bedrock Agents (InvokeAgent). One agent serves every tenant: the tenant context travels as session attributes,
 * and the agent keeps the conversation and runs its action groups itself, so a turn is one call (through the
 * {@link ToolLoop}, which offers and runs no tools here). Chunks stream to the user as they arrive; tokens are summed over every model
 * invocation reported in the traces (so traces are always on), see {@link BedrockAgentTraces}.
 */
public final class BedrockAgentBackend extends ServiceBackend {
  private static final int MAX_SESSION_ID = 100;
  private final BedrockAgentConfig bedrock;
  private final StreamingConfigurations streaming;
  private final BedrockAgentRuntimeAsyncClient client;

  public BedrockAgentBackend(Vertx vertx, AgentConfig config) {
    super(vertx, config, null, "bedrock-agent", AwsClients.failures("The agent service failed"));
    this.bedrock = config.bedrockAgent();
    StreamingConfigurations.Builder streaming = StreamingConfigurations.builder().streamFinalResponse(true);
    if (bedrock.guardrailInterval() > 0) {
      streaming.applyGuardrailInterval(bedrock.guardrailInterval());
    }
    this.streaming = streaming.build();
    this.client = AwsClients.build(BedrockAgentRuntimeAsyncClient.builder(), bedrock.region(), bedrock.endpoint(),
        NettyNioAsyncHttpClient.builder());
  }

  /** Bedrock session ids are at most 100 characters: the session key, or a stable digest of it when longer. */
  static String sessionId(AgentRequest req) {
    String key = req.sessionKey();
    if (key.length() <= MAX_SESSION_ID) {
      return key;
    }
    return req.identity().tenantId() + "-" + req.identity().tier() + "-" + Ids.sha256Hex(key).substring(0, 40);
  }

  InvokeAgentRequest request(AgentRequest req) {
    Map<String, String> attributes = Map.of(
        "tenant_id", req.identity().tenantId(),
        "user_id", req.identity().userId(),
        "subscription_tier", req.identity().tier(),
        "organization_type", "tenant",
        "user_role", req.identity().role());
    Map<String, String> prompt = Map.of(
        "request_type", "chat",
        "tenant_context", "Tenant " + req.identity().tenantId() + " on the " + req.identity().tier() + " plan; user role "
            + req.identity().role() + ".",
        "cost_tracking", "tenant_id=" + req.identity().tenantId() + ";user_id=" + req.identity().userId() + ";turn_id=" + req.turnId());
    return InvokeAgentRequest.builder()
        .agentId(bedrock.agentId())
        .agentAliasId(bedrock.alias(req.identity().tier()))
        .sessionId(sessionId(req))
        .inputText(req.message())
        .enableTrace(true)
        .sessionState(SessionState.builder().sessionAttributes(attributes).promptSessionAttributes(prompt).build())
        .streamingConfigurations(streaming)
        .overrideConfiguration(o -> TraceHeaders.of(req).forEach(o::putHeader))
        .build();
  }

  /** One agent serves every tier (an alias per tier may point at other models; the traces name the one that answered). */
  @Override
  String model(String tier) {
    return bedrock.model();
  }

  /** The agent has its own prompt and memory: what this server sends is the message. */
  @Override
  public String sent(Conversation conversation) {
    return conversation.message();
  }

  @Override
  public void start(Conversation conversation, StreamCall call) {
    Round r = call.round();
    InvokeAgentResponseHandler handler = InvokeAgentResponseHandler.builder()
        .subscriber(InvokeAgentResponseHandler.Visitor.builder()
            .onChunk(call.on(part -> {
              if (call.open()) {
                call.touch();
                r.chunk(part.bytes() == null ? "" : part.bytes().asUtf8String());
              }
            }))
            .onTrace(call.on(part -> {
              if (call.open() && part.trace() != null) {
                call.touch();
                BedrockAgentTraces.read(part.trace(), r);
              }
            }))
            .build())
        // onError may fire twice (the exception, then a CompletionException around it): a call ends once
        .onError(call.on(call::fail))
        .onComplete(call.on(call::end))
        .build();
    call.track(client.invokeAgent(request(r.turn.req), handler));
  }

  @Override
  public void close() {
    client.close();
  }
}
