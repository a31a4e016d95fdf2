package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.agent.Conversation.Exchange;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The turn of a service backend: call the model, run the tools it asks for (through {@link AgentTools}, which checks the
 * tier on every call), call it again with their results, at most {@value #MAX_ROUNDS} calls a turn. Every call goes
 * through the {@link RetryPolicy} and is metered by {@link Round#meter()}. A backend supplies only its wire protocol.
 */
final class ToolLoop {
  static final int MAX_ROUNDS = 5;

  /** What a service's failures mean: which are worth another try (while nothing reached the user), and how each reads. */
  record Failures(Predicate<Throwable> retryable, Function<Throwable, String> describe) {
  }

  /** A service's wire protocol. */
  interface Model {
    /** Starts one streamed call with the conversation so far: fills the call's round, and ends the call however it ends. */
    void start(Conversation conversation, StreamCall call);

    /** What a call sends, as text, for the estimate when the service reports no usage. */
    default String sent(Conversation conversation) {
      return conversation.text();
    }
  }

  private final Vertx vertx;
  private final AgentConfig config;
  private final AgentTools tools;
  private final RetryPolicy retry;
  private final Failures failures;

  /**
   * {@code tools}: the server's tools, or null for a service that runs its own (then none is offered or run);
   * {@code failures.describe} words a failure that is not an {@link AppException} (those carry their own message).
   */
  ToolLoop(Vertx vertx, AgentConfig config, AgentTools tools, String service, Failures failures) {
    this.vertx = vertx;
    this.config = config;
    this.tools = tools;
    this.retry = new RetryPolicy(vertx, config.retries(), service);
    this.failures = failures;
  }

  Future<AgentResult> run(Turn turn, Model model) {
    Conversation conversation = new Conversation(turn.req, tools == null ? List.of() : tools.available(turn.tier()));
    return round(turn, conversation, model, 0).recover(t -> failed(turn, t));
  }

  private Future<AgentResult> round(Turn turn, Conversation conversation, Model model, int round) {
    if (turn.sink.cancelled()) {
      return Future.succeededFuture(turn.result("cancelled", null));
    }
    String sent = model.sent(conversation);
    return retry.call(turn, () -> call(conversation, model, new Round(turn, sent)), failures.retryable()).compose(r -> {
      r.meter();
      if (turn.sink.cancelled()) {
        return Future.succeededFuture(turn.result("cancelled", null));
      }
      if (r.failure != null) {
        return Future.failedFuture(r.failure);
      }
      if (tools == null || !r.wantsTools() || round + 1 >= MAX_ROUNDS) {
        return Future.succeededFuture(turn.result("completed", null));
      }
      return results(turn, r).compose(results -> {
        conversation.exchanges.add(new Exchange(r, results));
        return round(turn, conversation, model, round + 1);
      });
    });
  }

  private Future<Round> call(Conversation conversation, Model model, Round round) {
    StreamCall call = new StreamCall(vertx, config, round);
    try {
      model.start(conversation, call);
    } catch (RuntimeException e) {
      call.fail(e);
    }
    return call.future();
  }

  /** Runs the round's tool calls one after another; a tool's error is a result too, so the model can explain it. */
  private Future<List<JsonObject>> results(Turn turn, Round r) {
    Future<List<JsonObject>> all = Future.succeededFuture(new ArrayList<>());
    for (Round.ToolCall call : r.toolCalls) {
      all = all.compose(list -> tools.run(call.name(), call.input(), turn).map(out -> {
        list.add(out);
        return list;
      }));
    }
    return all;
  }

  /** A failure in words: what failed, and the service's own message (at most 200 characters). */
  static String describe(String what, Throwable t) {
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return what + ": " + (m.length() > 200 ? m.substring(0, 200) : m);
  }

  /** A failed call ends the turn: with what it produced once part of the answer reached the user, else as an error. */
  private Future<AgentResult> failed(Turn turn, Throwable t) {
    String why = t instanceof AppException a ? a.getMessage() : failures.describe().apply(t);
    if (turn.shown()) {
      return Future.succeededFuture(turn.result("failed", why));
    }
    return Future.failedFuture(t instanceof AppException ? t : ErrorCode.AGENT_ERROR.exception(why));
  }
}
