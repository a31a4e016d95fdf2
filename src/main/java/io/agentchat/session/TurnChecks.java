package io.agentchat.session;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.session.SessionMessages.ChatTurn;
import java.util.HashMap;
import java.util.Map;

/** What a session instance checks before it takes a turn, and the connections it knows to be closed. */
final class TurnChecks {
  private TurnChecks() {
  }

  /** Why a turn cannot be taken at all (null: it can): the server stopping, or its message. */
  static AppException refusal(ChatTurn t, boolean stopping, int maxMessageChars) {
    if (stopping) {
      return ErrorCode.SERVICE_UNAVAILABLE.exception("The server is shutting down; please reconnect in a moment.");
    }
    if (t.message() == null || t.message().isBlank()) {
      return ErrorCode.INVALID_REQUEST.exception("message must be a non-empty string.");
    }
    if (t.message().length() > maxMessageChars) {
      return ErrorCode.INVALID_REQUEST.exception("message is longer than " + maxMessageChars + " characters.");
    }
    if (t.requestId() != null && !Ids.validClientId(t.requestId())) {
      return ErrorCode.INVALID_REQUEST.exception("request_id must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'.");
    }
    if (t.replacesTurnId() != null && (t.sessionId() == null || !Ids.validClientId(t.replacesTurnId()))) {
      return ErrorCode.INVALID_REQUEST.exception(t.sessionId() == null ? "replaces_turn_id needs the session_id of its chat."
          : "replaces_turn_id is not a turn of this chat.");
    }
    return null;
  }

  /**
   * Connections closed recently (id -> when), kept a minute: a turn whose reservation was still under way when its
   * connection closed is stopped too.
   */
  static final class ClosedConnections {
    private static final long MEMORY_MS = 60_000;
    private final Map<String, Long> closed = new HashMap<>();

    void remember(String connectionId) {
      long now = System.currentTimeMillis();
      closed.values().removeIf(at -> now - at > MEMORY_MS);
      closed.put(connectionId, now);
    }

    boolean contains(String connectionId) {
      return connectionId != null && closed.containsKey(connectionId);
    }
  }
}
