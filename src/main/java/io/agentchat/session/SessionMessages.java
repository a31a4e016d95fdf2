package io.agentchat.session;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionRecord;
import io.vertx.core.Vertx;
import java.util.List;

/** Messages of the chat-session capability. */
public final class SessionMessages {
  private SessionMessages() {
  }

  public record CreateSession(Identity identity) {
  }

  public record ListSessions(Identity identity) {
  }

  public record SessionList(List<SessionRecord> sessions) {
    public SessionList {
      sessions = List.copyOf(sessions);
    }
  }

  public record GetMessages(Identity identity, String sessionId) {
  }

  public record MessageList(String sessionId, List<MessageRecord> messages) {
    public MessageList {
      messages = List.copyOf(messages);
    }
  }

  /**
   * A user message. {@code sessionId} null: the user's newest open session (or a new one). {@code requestId}: the client's
   * idempotency key. {@code connectionId}: the client connection it came from (a bridge socket or an HTTP request). {@code collect}: reply with the whole answer instead of
   * an acceptance.
   */
  public record ChatTurn(Identity identity, String sessionId, String message, String requestId, String connectionId, boolean collect,
                         Program program) {

    /** A turn of the web client or of {@code POST /api/chat}. */
    public ChatTurn(Identity identity, String sessionId, String message, String requestId, String connectionId, boolean collect) {
      this(identity, sessionId, message, requestId, connectionId, collect, null);
    }
  }

  /**
   * What a program's turn (the OpenAI-compatible API) brings beyond a chat message: the earlier lines of its conversation
   * (the program holds them; they are not read from a session), the model asked for (null: the plan's default), how it
   * should answer ({@code sampling}), and the
   * address its frames are published to (chunks, trace steps, the error and done frames), which the request's HTTP
   * connection listens on; null when the program waits for the whole answer.
   */
  public record Program(List<io.agentchat.agent.AgentMessages.Line> history, String model, io.agentchat.agent.AgentMessages.Sampling sampling,
                        String streamTo) {
    public Program {
      history = List.copyOf(history);
    }
  }

  public record TurnAccepted(String turnId, String sessionId, boolean duplicate) {
  }

  public record TurnResult(String turnId, String sessionId, String status, String reply, TurnUsage usage, long costNanos, boolean duplicate) {
  }

  public record CancelTurn(Identity identity, String turnId) {
  }

  /** A client connection (bridge socket or HTTP request) closed: its turns stop. */
  public record ConnectionClosed(String connectionId) {
  }

  public record GetTrace(Identity identity, String turnId) {
  }

  public record TraceList(String turnId, String sessionId, String status, List<io.vertx.core.json.JsonObject> steps) {
    public TraceList {
      steps = List.copyOf(steps);
    }
  }

  /** A turn handed to the session instance that runs its session's actor; {@code session} when it was read already, else null. */
  public record ShardTurn(SessionRecord session, ChatTurn turn) {
  }

  /** A program's turn: run at once on the instance that receives it, in a session of its own ({@code turn.sessionId()}). */
  public record ProgramTurn(ChatTurn turn) {
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {CreateSession.class, ListSessions.class, SessionList.class, GetMessages.class, MessageList.class,
        ChatTurn.class, TurnAccepted.class, TurnResult.class, CancelTurn.class, ConnectionClosed.class, GetTrace.class, TraceList.class, SessionRecord.class,
        ShardTurn.class, ProgramTurn.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
