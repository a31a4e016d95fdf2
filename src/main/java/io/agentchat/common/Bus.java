package io.agentchat.common;

import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import java.util.function.Function;
import org.slf4j.Logger;

/** Event-bus helpers shared by the verticles. */
public final class Bus {
  private Bus() {
  }

  /** Runs a handler for a request and replies with its result, or fails the reply with the product error code. */
  public static <T, R> void reply(Message<T> msg, Function<T, Future<R>> handler, Logger log) {
    Future<R> f;
    try {
      f = handler.apply(msg.body());
    } catch (AppException e) {
      f = Future.failedFuture(e);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onSuccess(msg::reply).onFailure(t -> {
      AppException e = ErrorCode.toAppException(t);
      if (e.code() == ErrorCode.INTERNAL) {
        log.error("request on {} failed", msg.address(), t);
      }
      e.failReply(msg);
    });
  }
}
