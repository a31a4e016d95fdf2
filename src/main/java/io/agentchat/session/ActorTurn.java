package io.agentchat.session;

import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.agent.AgentMessages.Line;
import io.agentchat.agent.TurnStream;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A turn a session actor accepted: what it streamed so far, its trace steps, its span, and how it ended. The chunks the
 * actor finds waiting on the turn's {@link TurnStream} at once go out as one frame: a client gets fewer, larger frames
 * exactly when the server is busy, and a lone chunk goes out at once. {@code seq} numbers the frames of the turn, from 0,
 * without gaps.
 */
final class ActorTurn {
  private static final Logger LOG = LoggerFactory.getLogger(ActorTurn.class);
  /** How long the stream may lag behind the agent's result. */
  static final long STREAM_GRACE_MS = 5_000;
  /** Trace steps kept per turn for audit (a runaway agent cannot grow a settlement without bound). */
  static final int MAX_TRACE_STEPS = 200;

  final ChatTurn cmd;
  final String turnId;
  /** Where the turn's frames go: its user's client address, or a program's stream (null: a program that waits for the whole answer). */
  final String frames;
  final Promise<TurnResult> result = Promise.promise();
  final StringBuilder text = new StringBuilder();
  final List<JsonObject> traces = new ArrayList<>();
  /** The agent's output for this turn, taken by the actor whenever the agent says some is waiting. */
  final TurnStream stream = new TurnStream();
  long startedNanos;
  /** The chunks the agent says it sent (-1 until its result is in), and whether the stream has delivered them all. */
  private int expectedChunks = -1;
  /** The session's earlier lines read while the turn was being admitted, and how many turns had started then. */
  private Future<List<Line>> early;
  private long earlyAfter = -1;
  /** Chunks received from the agent. */
  private int received;
  /** Text received and not yet sent in a frame; null when a frame holds all of it. */
  private StringBuilder pending;
  private final Promise<Void> streamed = Promise.promise();
  Span span = Span.getInvalid();
  boolean cancelRequested;
  int seq;

  ActorTurn(ChatTurn cmd, String turnId) {
    this.cmd = cmd;
    this.turnId = turnId;
    this.frames = cmd.program() != null ? cmd.program().streamTo()
        : io.agentchat.client.ClientAddresses.user(cmd.identity().tenantId(), cmd.identity().userId());
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

  /** The earlier lines, read while the actor had started {@code startedBefore} turns. */
  void readEarly(Future<List<Line>> lines, long startedBefore) {
    this.early = lines;
    this.earlyAfter = startedBefore;
  }

  /** The lines read early, if they were read when {@code startedBefore} turns had started (no turn ran since); else null. */
  Future<List<Line>> earlyLines(long startedBefore) {
    return early != null && earlyAfter == startedBefore ? early : null;
  }

  /** A chunk from the agent: part of the reply, and of the next frame. */
  void arrived(String chunk) {
    text.append(chunk);
    received++;
    if (pending == null) {
      pending = new StringBuilder(chunk);
    } else {
      pending.append(chunk);
    }
    chunkCounted();
  }

  /** The text of the next frame, or null when nothing waits. */
  String takePending() {
    if (pending == null) {
      return null;
    }
    String t = pending.toString();
    pending = null;
    return t;
  }

  private void chunkCounted() {
    if (expectedChunks >= 0 && received >= expectedChunks) {
      streamed.tryComplete();
    }
  }

  /**
   * Completes once every chunk the agent reports having sent has been delivered, so that the stream's consumer goes away
   * only after the last {@code seq}; at once when there is no result to count on. A stream that falls short within
   * {@link #STREAM_GRACE_MS} is logged and the turn settles with what arrived (its reply is the agent's whole text anyway).
   */
  Future<Void> allChunks(Vertx vertx, AsyncResult<Message<AgentResult>> ar) {
    if (ar.failed()) {
      return Future.succeededFuture();
    }
    expectedChunks = ar.result().body().chunks();
    chunkCounted();
    if (expectedChunks == 0) {
      streamed.tryComplete();
    }
    if (streamed.future().isComplete()) {
      return streamed.future();
    }
    long timer = vertx.setTimer(STREAM_GRACE_MS, id -> {
      if (streamed.tryComplete()) {
        LOG.warn("turn {} of tenant {}: {} of {} chunks arrived", turnId, cmd.identity().tenantId(), received, expectedChunks);
      }
    });
    return streamed.future().onComplete(v -> vertx.cancelTimer(timer));
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
      span.setAttribute("gen_ai.response.model", o.usage().model());
    }
    if (o.error() != null) {
      span.setStatus(StatusCode.ERROR, o.error().code().code());
    }
    span.end();
  }
}
