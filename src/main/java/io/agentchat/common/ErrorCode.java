package io.agentchat.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Locale;

/** The product's error codes: the snake_case name is what clients see, the status is the HTTP status that carries it. */
public enum ErrorCode {
  INVALID_REQUEST(400),
  WEAK_PASSWORD(400),
  INVALID_CODE(400),
  UNAUTHORIZED(401),
  INVALID_CREDENTIALS(401),
  FORBIDDEN(403),
  ACCESS_DENIED(403),
  USER_NOT_CONFIRMED(403),
  INVALID_INVITE(403),
  TOOL_NOT_IN_TIER(403),
  UPGRADE_REQUIRED(403),
  TENANT_SUSPENDED(403),
  BUDGET_EXCEEDED(402),
  NOT_FOUND(404),
  MODEL_NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  USER_EXISTS(409),
  TENANT_UNAVAILABLE(409),
  SESSION_LIMIT(409),
  TURN_IN_PROGRESS(409),
  LAST_ADMIN(409),
  SESSION_EXPIRED(410),
  PAYLOAD_TOO_LARGE(413),
  UNSUPPORTED_MEDIA_TYPE(415),
  QUOTA_EXCEEDED(429),
  RATE_LIMITED(429),
  INTERNAL(500),
  AGENT_ERROR(502),
  SERVICE_UNAVAILABLE(503),
  AUTH_UNAVAILABLE(503),
  STORE_UNAVAILABLE(503),
  TIMEOUT(504);

  private final int status;

  ErrorCode(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** The name clients see, e.g. {@code quota_exceeded}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public AppException exception(String message) {
    return new AppException(this, message);
  }

  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return null;
  }

  /** Turns any failure (including event-bus reply failures) into an {@link AppException} fit for an edge. */
  public static AppException toAppException(Throwable t) {
    if (t instanceof AppException a) {
      return a;
    }
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.TIMEOUT) {
        return TIMEOUT.exception("The request took too long; please try again.");
      }
      if (re.failureType() == ReplyFailure.NO_HANDLERS) {
        return SERVICE_UNAVAILABLE.exception("The service is not available right now; please try again shortly.");
      }
      String m = re.getMessage() == null ? "" : re.getMessage();
      int i = m.indexOf(": ");
      if (i > 0) {
        ErrorCode c = fromCode(m.substring(0, i));
        if (c != null) {
          return c.exception(m.substring(i + 2));
        }
      }
    }
    return INTERNAL.exception("Something went wrong on our side; please try again.");
  }
}
