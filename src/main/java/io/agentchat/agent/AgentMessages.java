package io.agentchat.agent;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.opentelemetry.context.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Messages of the agent capability. */
public final class AgentMessages {
  private AgentMessages() {
  }

  /**
   * One turn for the agent. The tenant context (tenant, user, tier, role) travels with every call, so one agent deployment
   * serves every tenant. {@code history} is the session's earlier lines, oldest first (the session owns the conversation
   * and reads them); the new message is not among them. The output goes to {@code stream}, and a {@link StreamReady} to
   * {@code streamAddress} says there is some to take. {@code model} is the model a program asked for among its plan's (a pricing key; null: the provider's own), which the
   * providers that can choose one run. {@code trace} holds the turn's span: the agent adds the GenAI
   * attributes to it and propagates it (W3C {@code traceparent}) to the service it calls.
   */
  public record AgentRequest(Identity identity, String sessionId, String sessionKey, String turnId, String message, List<Line> history,
                             String streamAddress, TurnStream stream, Context trace, String model, Sampling sampling) {
    public AgentRequest {
      history = List.copyOf(history);
      sampling = sampling == null ? Sampling.DEFAULT : sampling;
    }

    /** A request that runs the provider's own model. */
    public AgentRequest(Identity identity, String sessionId, String sessionKey, String turnId, String message, List<Line> history,
                        String streamAddress, TurnStream stream, Context trace) {
      this(identity, sessionId, sessionKey, turnId, message, history, streamAddress, stream, trace, null, Sampling.DEFAULT);
    }
  }

  /**
   * How a program asked the model to answer (each null: the provider's own setting): the most tokens of the answer, its
   * temperature and top-p. The providers that take them (Bedrock Converse, OpenAI-compatible servers) send them, the
   * answer's length capped at the provider's configured {@code maxTokens}.
   */
  public record Sampling(Integer maxTokens, Double temperature, Double topP) {
    public static final Sampling DEFAULT = new Sampling(null, null, null);

    /** The most tokens of an answer: the asked-for limit within the provider's own. */
    public int maxTokens(int providerMax) {
      return maxTokens == null ? providerMax : Math.min(maxTokens, providerMax);
    }
  }

  /** One line of a conversation: role {@code user} or {@code assistant}, and its text. */
  public record Line(String role, String text) {
  }

  /** A piece of the reply, in order. */
  public record Chunk(String turnId, String text) {
  }

  /** The turn's {@link TurnStream} has output the session has not taken yet. */
  public record StreamReady(String turnId) {
  }

  /** A step of the agent's work: plan, tool_call, observation, final, ... with details for the trace view. */
  public record TraceStep(String turnId, String step, JsonObject detail) {
  }

  /**
   * How an invocation ended (completed, cancelled or failed), the text it produced, and what it used. {@code chunks} is how
   * many {@link Chunk}s were queued on the turn's stream: the session keeps listening until it has had them all.
   */
  public record AgentResult(String status, String output, long inputTokens, long outputTokens, boolean estimated, String model,
                            List<String> tools, String error, int chunks) {
    public AgentResult {
      tools = List.copyOf(tools);
    }

    /** The same result, with the number of chunks streamed for it. */
    public AgentResult streamed(int sent) {
      return new AgentResult(status, output, inputTokens, outputTokens, estimated, model, tools, error, sent);
    }
  }

  public record CancelInvocation(String turnId) {
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {AgentRequest.class, Chunk.class, StreamReady.class, TraceStep.class, AgentResult.class, CancelInvocation.class, Sampling.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
