package io.agentchat.session;

import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.TokenEstimate;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.metering.Pricing;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.TurnResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A turn a session actor accepted: what it streamed so far, its trace steps, its span, and how it ended. */
final class ActorTurn {
  /** Trace steps kept per turn for audit (a runaway agent cannot grow a settlement without bound). */
  static final int MAX_TRACE_STEPS = 200;

  final ChatTurn cmd;
  final String turnId;
  final Promise<TurnResult> result = Promise.promise();
  final StringBuilder text = new StringBuilder();
  final List<JsonObject> traces = new ArrayList<>();
  long startedNanos;
  Span span = Span.getInvalid();
  boolean cancelRequested;
  int seq;

  ActorTurn(ChatTurn cmd, String turnId) {
    this.cmd = cmd;
    this.turnId = turnId;
  }

  /** How a turn ended: its status, reply and usage, the error a user is told of, and whether its message is given back. */
  record Outcome(String status, String reply, TurnUsage usage, AppException error, boolean refund) {
  }

  /** The turn starts running: its span opens. */
  void start(Tracer tracer, String sessionId) {
    startedNanos = System.nanoTime();
    span = tracer.spanBuilder("chat.turn").setSpanKind(SpanKind.INTERNAL)
        .setAttribute("tenant.id", cmd.identity().tenantId()).setAttribute("user.id", cmd.identity().userId())
        .setAttribute("session.id", sessionId).setAttribute("turn.id", turnId)
        .setAttribute("subscription.tier", cmd.identity().tier()).startSpan();
  }

  long elapsedMs() {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /**
   * The outcome of the agent's answer; without one (a timeout, the agent unreachable), the turn is cancelled or failed with
   * what streamed so far, its tokens counted here and marked estimated. A failure that produced nothing gives the message back.
   */
  Outcome outcome(AsyncResult<Message<AgentResult>> ar) {
    String status;
    String reply;
    TurnUsage usage;
    AppException error = null;
    if (ar.succeeded()) {
      AgentResult r = ar.result().body();
      status = r.status();
      reply = r.output();
      usage = new TurnUsage(true, r.inputTokens(), r.outputTokens(), r.estimated(), r.model(), r.tools());
      if ("failed".equals(status)) {
        error = ErrorCode.AGENT_ERROR.exception(r.error() != null ? r.error() : "The agent could not finish its answer.");
      }
    } else {
      error = ErrorCode.toAppException(ar.cause());
      status = cancelRequested ? "cancelled" : "failed";
      reply = text.toString();
      usage = new TurnUsage(true, TokenEstimate.of(cmd.message()), TokenEstimate.of(reply), true, null, List.of());
    }
    return new Outcome(status, reply, usage, error, "failed".equals(status) && reply.isEmpty());
  }

  /** The span closes with what the turn used and cost. */
  void endSpan(Outcome o, long costNanos) {
    span.setAttribute("turn.status", o.status()).setAttribute("gen_ai.usage.input_tokens", o.usage().inputTokens())
        .setAttribute("gen_ai.usage.output_tokens", o.usage().outputTokens()).setAttribute("cost.usd", Pricing.usd(costNanos).doubleValue())
        .setAttribute("tokens.estimated", o.usage().estimated());
    if (o.usage().model() != null) {
      span.setAttribute("gen_ai.request.model", o.usage().model());
    }
    if (o.error() != null) {
      span.setStatus(StatusCode.ERROR, o.error().code().code());
    }
    span.end();
  }
}
