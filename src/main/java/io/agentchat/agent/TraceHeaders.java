package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The turn's trace context as W3C headers for the service a backend calls: {@code traceparent} (and {@code tracestate})
 * of the turn's span when tracing is on, and {@code baggage} with the tenant, its tier and the turn, so that the
 * service's own traces (AgentCore Observability, Bedrock's) join the turn's and say whose it was. Also the GenAI span
 * attributes every provider puts on the turn's span.
 */
final class TraceHeaders {
  private TraceHeaders() {
  }

  static Map<String, String> of(AgentRequest req) {
    Context trace = req.trace() == null ? Context.root() : req.trace();
    Baggage baggage = Baggage.builder().put("tenant.id", req.identity().tenantId()).put("subscription.tier", req.identity().tier())
        .put("turn.id", req.turnId()).build();
    Map<String, String> out = new LinkedHashMap<>();
    W3CTraceContextPropagator.getInstance().inject(trace, out, Map::put);
    W3CBaggagePropagator.getInstance().inject(trace.with(baggage), out, Map::put);
    return out;
  }

  /**
   * The OpenTelemetry GenAI attributes of the turn's span: the operation ({@code invoke_agent} for an agent service,
   * else {@code chat}), the system that answers and the model asked for.
   */
  static void genAi(AgentRequest req, String provider, String model) {
    if (req.trace() == null) {
      return;
    }
    Span span = Span.fromContext(req.trace());
    span.setAttribute("gen_ai.operation.name", switch (provider) {
      case "bedrock-agent", "bedrock-agentcore" -> "invoke_agent";
      default -> "chat";
    });
    span.setAttribute("gen_ai.system", switch (provider) {
      case "bedrock-agent", "bedrock-converse", "bedrock-agentcore" -> "aws.bedrock";
      case "openai" -> "openai";
      default -> "agentchat.offline";
    });
    span.setAttribute("agent.provider", provider);
    if (model != null) {
      span.setAttribute("gen_ai.request.model", model);
    }
  }
}
