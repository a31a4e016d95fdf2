package io.agentchat.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import software.amazon.awssdk.services.bedrockagentruntime.model.ActionGroupInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.InvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.Metadata;
import software.amazon.awssdk.services.bedrockagentruntime.model.ModelInvocationInput;
import software.amazon.awssdk.services.bedrockagentruntime.model.Observation;
import software.amazon.awssdk.services.bedrockagentruntime.model.OrchestrationTrace;
import software.amazon.awssdk.services.bedrockagentruntime.model.PostProcessingModelInvocationOutput;
import software.amazon.awssdk.services.bedrockagentruntime.model.PreProcessingModelInvocationOutput;
import software.amazon.awssdk.services.bedrockagentruntime.model.RoutingClassifierModelInvocationOutput;
import software.amazon.awssdk.services.bedrockagentruntime.model.Trace;

/**
 * Bedrock Agents' trace events read into the product's trace steps (rationale, model_invocation, model_output,
 * tool_call, observation, ...), the usage of every model invocation and the action groups the agent ran.
 */
final class BedrockAgentTraces {
  private BedrockAgentTraces() {
  }

  /** Maps one trace event to trace steps, and adds its usage and the tools it ran to the round. */
  static void read(Trace t, Round r) {
    AgentBackend.Sink sink = r.turn.sink;
    if (t.orchestrationTrace() != null) {
      orchestration(t.orchestrationTrace(), r);
    }
    if (t.preProcessingTrace() != null) {
      PreProcessingModelInvocationOutput out = t.preProcessingTrace().modelInvocationOutput();
      phase("pre_processing", t.preProcessingTrace().modelInvocationInput(), out == null ? null : out.metadata(), r);
    }
    if (t.postProcessingTrace() != null) {
      PostProcessingModelInvocationOutput out = t.postProcessingTrace().modelInvocationOutput();
      phase("post_processing", t.postProcessingTrace().modelInvocationInput(), out == null ? null : out.metadata(), r);
    }
    if (t.routingClassifierTrace() != null) {
      RoutingClassifierModelInvocationOutput out = t.routingClassifierTrace().modelInvocationOutput();
      phase("routing", t.routingClassifierTrace().modelInvocationInput(), out == null ? null : out.metadata(), r);
    }
    if (t.guardrailTrace() != null) {
      sink.trace("guardrail", new JsonObject().put("action", t.guardrailTrace().actionAsString()));
    }
    if (t.failureTrace() != null) {
      sink.trace("failure", new JsonObject().put("reason", t.failureTrace().failureReason()).put("code", t.failureTrace().failureCode()));
    }
  }

  private static void orchestration(OrchestrationTrace o, Round r) {
    AgentBackend.Sink sink = r.turn.sink;
    if (o.rationale() != null) {
      sink.trace("rationale", new JsonObject().put("text", o.rationale().text()));
    }
    modelInput(o.modelInvocationInput(), "orchestration", r);
    if (o.modelInvocationOutput() != null) {
      Metadata m = o.modelInvocationOutput().metadata();
      usage(m, r);
      sink.trace("model_output", new JsonObject().put("phase", "orchestration").put("usage", m == null || m.usage() == null ? new JsonObject()
          : new JsonObject().put("input_tokens", m.usage().inputTokens()).put("output_tokens", m.usage().outputTokens())));
    }
    if (o.invocationInput() != null) {
      invocation(o.invocationInput(), r);
    }
    if (o.observation() != null) {
      Observation ob = o.observation();
      JsonObject d = new JsonObject().put("kind", ob.typeAsString());
      if (ob.actionGroupInvocationOutput() != null) {
        d.put("output", ob.actionGroupInvocationOutput().text());
      }
      if (ob.knowledgeBaseLookupOutput() != null && ob.knowledgeBaseLookupOutput().hasRetrievedReferences()) {
        d.put("references", ob.knowledgeBaseLookupOutput().retrievedReferences().size());
      }
      if (ob.finalResponse() != null) {
        d.put("final", true);
      }
      sink.trace("observation", d);
    }
  }

  /** An action group the agent calls (metered as a tool action), or a knowledge-base lookup. */
  private static void invocation(InvocationInput in, Round r) {
    ActionGroupInvocationInput a = in.actionGroupInvocationInput();
    if (a != null) {
      String tool = a.function() != null ? a.function() : a.apiPath() != null ? a.apiPath() : a.actionGroupName();
      r.toolsRun.add(tool);
      JsonArray params = new JsonArray();
      if (a.hasParameters()) {
        a.parameters().forEach(x -> params.add(new JsonObject().put("name", x.name()).put("value", x.value())));
      }
      r.turn.sink.trace("tool_call", new JsonObject().put("tool", tool).put("action_group", a.actionGroupName()).put("input", params));
    }
    if (in.knowledgeBaseLookupInput() != null) {
      r.turn.sink.trace("knowledge_base_lookup", new JsonObject().put("knowledge_base_id", in.knowledgeBaseLookupInput().knowledgeBaseId())
          .put("text", in.knowledgeBaseLookupInput().text()));
    }
  }

  private static void phase(String phase, ModelInvocationInput in, Metadata out, Round r) {
    modelInput(in, phase, r);
    usage(out, r);
  }

  private static void modelInput(ModelInvocationInput in, String phase, Round r) {
    if (in != null) {
      r.turn.model(in.foundationModel());
      r.turn.sink.trace("model_invocation", new JsonObject().put("phase", phase).put("model", in.foundationModel()));
    }
  }

  private static void usage(Metadata m, Round r) {
    if (m != null && m.usage() != null) {
      r.usage(m.usage().inputTokens(), m.usage().outputTokens());
    }
  }
}
