package io.agentchat.common;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** A failure with a product error code and a message a person understands. */
public final class AppException extends RuntimeException {
  private final ErrorCode code;

  public AppException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  /** The event-bus form: failure code = HTTP status, message = {@code "<code>: <text>"} (what bridge clients see). */
  public void failReply(Message<?> msg) {
    msg.fail(code.status(), code.code() + ": " + getMessage());
  }

  public JsonObject toJson() {
    return new JsonObject().put("error", new JsonObject().put("code", code.code()).put("message", getMessage()));
  }
}
