package io.agentchat.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a failed call to a service is made again: only while nothing of the turn has reached the user (a retry would
 * show text twice), only for a failure the backend deems worth another try (throttling, a server error, a lost
 * connection), at most {@code retries} times, after 200 ms, 800 ms, 3.2 s, ..., and never once the turn is cancelled.
 * The SDKs' own retries are off: they would replay a stream the user has already seen.
 */
record RetryPolicy(Vertx vertx, int retries, String service) {
  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  static long delayMs(int attempt) {
    return 200L << (2 * attempt);
  }

  /** Makes the call (a new round each time) until it succeeds or its failure is not to be retried; completes with the last round. */
  Future<Round> call(Turn turn, Supplier<Future<Round>> call, Predicate<Throwable> retryable) {
    return attempt(turn, call, retryable, 0);
  }

  private Future<Round> attempt(Turn turn, Supplier<Future<Round>> call, Predicate<Throwable> retryable, int attempt) {
    return call.get().compose(r -> {
      if (r.failure == null || turn.shown() || turn.sink.cancelled() || attempt >= retries || !retryable.test(r.failure)) {
        return Future.succeededFuture(r);
      }
      long delay = delayMs(attempt);
      LOG.warn("{} call failed before any output (attempt {} of {}), retrying in {} ms: tenant={} turn={} cause={}", service, attempt + 1,
          retries + 1, delay, turn.req.identity().tenantId(), turn.req.turnId(), r.failure.toString());
      Promise<Round> next = Promise.promise();
      vertx.setTimer(delay, id -> (turn.sink.cancelled() ? Future.succeededFuture(r) : attempt(turn, call, retryable, attempt + 1))
          .onComplete(next));
      return next.future();
    });
  }
}
