package io.agentchat.agent;

import io.agentchat.common.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * One streamed call to a service, as every backend makes it: the whole call must end within the turn's timeout and the
 * stream must not stay silent longer than the idle timeout; cancelling the turn aborts it. It ends once, with its round
 * (and the failure, if it failed); anything that arrives afterwards is ignored.
 */
final class StreamCall {
  private final Vertx vertx;
  private final Context context;
  private final Round round;
  private final Promise<Round> done = Promise.promise();
  private final long idleMs;
  private final long totalTimer;
  private long idleTimer;
  private Runnable abort = () -> {
  };

  StreamCall(Vertx vertx, AgentConfig config, Round round) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.round = round;
    this.idleMs = config.idleTimeoutMs();
    long totalMs = config.timeoutMs();
    this.totalTimer = vertx.setTimer(totalMs, id -> expire("The agent did not finish within " + totalMs / 1000 + " s."));
    this.idleTimer = idleTimer();
    round.turn.sink.onCancel(() -> context.runOnContext(v -> {
      if (!done.future().isComplete()) {
        end();
        abort.run();
      }
    }));
  }

  Round round() {
    return round;
  }

  /** How to abort the call (on cancellation or expiry). */
  void abortWith(Runnable action) {
    abort = action;
  }

  /** For a call made through the AWS SDK: cancelling its future aborts it, and its failure ends the call. */
  void track(CompletableFuture<?> call) {
    abortWith(() -> call.cancel(true));
    call.whenComplete((r, t) -> {
      if (t != null) {
        context.runOnContext(v -> fail(t));
      }
    });
  }

  /** An SDK callback, run on the turn's context (the SDK calls back on its own threads). */
  <T> Consumer<T> on(Consumer<T> handler) {
    return event -> context.runOnContext(v -> handler.accept(event));
  }

  Runnable on(Runnable handler) {
    return () -> context.runOnContext(v -> handler.run());
  }

  /** True while the call runs and the turn is not cancelled: what arrives is taken. */
  boolean open() {
    return !done.future().isComplete() && !round.turn.sink.cancelled();
  }

  /** Something arrived: the silence clock starts again. */
  void touch() {
    if (done.future().isComplete()) {
      return;
    }
    vertx.cancelTimer(idleTimer);
    idleTimer = idleTimer();
  }

  void end() {
    end(null);
  }

  void fail(Throwable failure) {
    Throwable t = failure;
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    end(t);
  }

  /**
   * Ends the call with {@code failure} and aborts it (e.g. a stream that cannot be read on): ended first, so that what the
   * abort itself raises (a reset stream) is not taken for the failure.
   */
  void abort(Throwable failure) {
    if (!done.future().isComplete()) {
      end(failure);
      abort.run();
    }
  }

  Future<Round> future() {
    return done.future();
  }

  private void end(Throwable failure) {
    if (done.future().isComplete()) {
      return;
    }
    vertx.cancelTimer(totalTimer);
    vertx.cancelTimer(idleTimer);
    round.failure = failure;
    done.complete(round);
  }

  private long idleTimer() {
    return vertx.setTimer(idleMs, id -> expire("The agent stopped responding (no data for " + idleMs / 1000 + " s)."));
  }

  private void expire(String why) {
    abort(ErrorCode.TIMEOUT.exception(why));
  }
}
