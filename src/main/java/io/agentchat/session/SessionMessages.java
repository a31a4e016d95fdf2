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

  /** The conversation; {@code details} holds, by turn id, the usage and trace steps of each answer that has them. */
  public record MessageList(String sessionId, List<MessageRecord> messages, java.util.Map<String, TurnDetail> details) {
    public MessageList {
      messages = List.copyOf(messages);
      details = java.util.Map.copyOf(details);
    }
  }

  /** What the live view showed of an answer: its metered totals (tokens estimated or not) and its trace steps (as their frames). */
  public record TurnDetail(io.agentchat.store.UsageTotals totals, boolean estimated, List<io.vertx.core.json.JsonObject> steps) {
    public TurnDetail {
      steps = List.copyOf(steps);
    }
  }

  /** A chat's new title (already checked: trimmed, 1 to {@link SessionRecord#MAX_TITLE_CHARS} characters). */
  public record RenameSession(Identity identity, String sessionId, String title) {
  }

  /** Ends a chat: closed (kept, read-only) or deleted (with its messages and trace steps). */
  public record EndSession(Identity identity, String sessionId, boolean delete) {
  }

  public record SearchSessions(Identity identity, String text) {
  }

  /** A search's results: each hit with the part of its text that matched. */
  public record SearchResults(List<io.agentchat.store.SearchHit> hits, List<String> snippets) {
    public SearchResults {
      hits = List.copyOf(hits);
      snippets = List.copyOf(snippets);
    }
  }

  /**
   * A user message. {@code replacesTurnId}: the chat's latest turn, whose question and answer this one replaces (regenerate,
   * edit), else null. {@code sessionId} null: the user's newest open session (or a new one). {@code requestId}: the client's
   * idempotency key. {@code connectionId}: the client connection it came from (a bridge socket or an HTTP request). {@code collect}: reply with the whole answer instead of
   * an acceptance.
   */
  public record ChatTurn(Identity identity, String sessionId, String message, String requestId, String connectionId, boolean collect,
                         Program program, String replacesTurnId) {

    /** A turn of the web client or of {@code POST /api/chat}. */
    public ChatTurn(Identity identity, String sessionId, String message, String requestId, String connectionId, boolean collect) {
      this(identity, sessionId, message, requestId, connectionId, collect, null, null);
    }

    /** A turn that replaces none. */
    public ChatTurn(Identity identity, String sessionId, String message, String requestId, String connectionId, boolean collect, Program program) {
      this(identity, sessionId, message, requestId, connectionId, collect, program, null);
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
        ShardTurn.class, ProgramTurn.class, TurnDetail.class, RenameSession.class, EndSession.class, SearchSessions.class, SearchResults.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
