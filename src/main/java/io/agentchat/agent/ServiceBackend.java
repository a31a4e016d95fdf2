package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * A backend that answers turns by calling a model or agent service through the {@link ToolLoop} (with its retry policy
 * and the one usage rule). A subclass is the service's wire protocol: which model answers a tier, and how one streamed
 * call is made and read into a {@link Round}.
 */
abstract class ServiceBackend implements AgentBackend, ToolLoop.Model {
  private final ToolLoop loop;

  /**
   * {@code tools}: the server's tools, or null for a service that runs its own (Bedrock Agents); {@code provider} names
   * the service in log lines; {@code failures} says which of its failures are worth another try.
   */
  ServiceBackend(Vertx vertx, AgentConfig config, AgentTools tools, String provider, ToolLoop.Failures failures) {
    this.loop = new ToolLoop(vertx, config, tools, provider, failures);
  }

  /** The model that answers the tier's turns (priced and reported as such, unless the service names another). */
  abstract String model(String tier);

  @Override
  public final String requestModel(String tier) {
    return model(tier);
  }

  /**
   * The model that answers this turn: the tier's, unless a program asked for one of its plan's models and the service
   * can run any model ({@link BedrockConverseBackend}); an agent or a server with a model of its own answers with that one.
   */
  String model(AgentRequest req) {
    return model(req.identity().tier());
  }

  @Override
  public final Future<AgentResult> invoke(AgentRequest req, Sink sink) {
    return loop.run(new Turn(req, sink, model(req)), this);
  }
}
