package io.agentchat.agent;

import io.agentchat.common.ErrorCode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Time limits of one streamed call: the whole call must end within {@code totalMs}, and the stream must not stay silent
 * longer than {@code idleMs}. On expiry the given action aborts the call and the promise fails with a timeout.
 */
final class StreamGuard {
  private final Vertx vertx;
  private final long idleMs;
  private final Promise<?> promise;
  private final Runnable abort;
  private final long totalTimer;
  private long idleTimer;

  StreamGuard(Vertx vertx, long totalMs, long idleMs, Promise<?> promise, Runnable abort) {
    this.vertx = vertx;
    this.idleMs = idleMs;
    this.promise = promise;
    this.abort = abort;
    this.totalTimer = vertx.setTimer(totalMs, id -> expire("The agent did not finish within " + totalMs / 1000 + " s."));
    this.idleTimer = vertx.setTimer(idleMs, id -> expire("The agent stopped responding (no data for " + idleMs / 1000 + " s)."));
  }

  /** Something arrived: the silence clock starts again. */
  void touch() {
    vertx.cancelTimer(idleTimer);
    idleTimer = vertx.setTimer(idleMs, id -> expire("The agent stopped responding (no data for " + idleMs / 1000 + " s)."));
  }

  void done() {
    vertx.cancelTimer(totalTimer);
    vertx.cancelTimer(idleTimer);
  }

  private void expire(String why) {
    done();
    if (!promise.future().isComplete()) {
      abort.run();
      promise.tryFail(ErrorCode.TIMEOUT.exception(why));
    }
  }
}
