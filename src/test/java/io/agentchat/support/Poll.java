package io.agentchat.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for something that happens in its own time (a gauge reaching zero, a span exported, a store back up): the
 * condition is checked now and then every {@value #EVERY_MS} ms on Vert.x timers (never a sleeping thread) until it holds,
 * or the wait fails once its deadline has passed.
 */
public final class Poll {
  public static final long EVERY_MS = 50;
  public static final Duration DEADLINE = Duration.ofSeconds(40);

  private Poll() {
  }

  /** Completes once {@code condition} holds; fails after {@link #DEADLINE}. */
  public static Future<Void> until(Vertx vertx, BooleanSupplier condition) {
    return until(vertx, DEADLINE, condition);
  }

  /** Completes once {@code condition} holds; fails after {@code deadline}. */
  public static Future<Void> until(Vertx vertx, Duration deadline, BooleanSupplier condition) {
    return until(vertx, deadline, () -> Future.succeededFuture(condition.getAsBoolean()), Boolean::booleanValue).mapEmpty();
  }

  /** Asks until an answer satisfies {@code done} and completes with it; fails after {@link #DEADLINE}. */
  public static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> ask, Predicate<? super T> done) {
    return until(vertx, DEADLINE, ask, done);
  }

  /**
   * Asks (one question at a time, the next {@value #EVERY_MS} ms after the last answer) until an answer satisfies
   * {@code done} and completes with it. A failed answer fails the wait; so does the deadline, naming the last answer.
   */
  public static <T> Future<T> until(Vertx vertx, Duration deadline, Supplier<Future<T>> ask, Predicate<? super T> done) {
    Promise<T> result = Promise.promise();
    long giveUpAt = System.nanoTime() + deadline.toNanos();
    attempt(vertx, giveUpAt, deadline, ask, done, result);
    return result.future();
  }

  private static <T> void attempt(Vertx vertx, long giveUpAt, Duration deadline, Supplier<Future<T>> ask, Predicate<? super T> done,
                                  Promise<T> result) {
    Future<T> answer;
    try {
      answer = ask.get();
    } catch (RuntimeException | AssertionError e) {
      result.fail(e);
      return;
    }
    answer.onComplete(ar -> {
      if (ar.failed()) {
        result.fail(ar.cause());
      } else if (done.test(ar.result())) {
        result.complete(ar.result());
      } else if (System.nanoTime() - giveUpAt >= 0) {
        result.fail(new TimeoutException("not so within " + deadline.toMillis() + " ms; the last answer: " + ar.result()));
      } else {
        vertx.setTimer(EVERY_MS, id -> attempt(vertx, giveUpAt, deadline, ask, done, result));
      }
    });
  }
}
