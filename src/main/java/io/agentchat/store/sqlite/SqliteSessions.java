package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.one;
import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.queryLong;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.MessageRecord;
import io.agentchat.store.SearchHit;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.SessionStore;
import io.agentchat.store.StoreErrors;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Sessions and their messages in SQLite. The session limit is exact because the writer runs one write at a time. Session
 * ownership (cluster mode) is not supported: SQLite is not shared between nodes.
 */
final class SqliteSessions implements SessionStore {
  private final SqliteDb db;

  SqliteSessions(SqliteDb db) {
    this.db = db;
  }

  /** The user's sessions open at {@code now}. */
  static long activeSessions(Connection c, String tenantId, String userId, Instant now) throws SQLException {
    return queryLong(c, SessionSql.ACTIVE, tenantId, userId, now.toEpochMilli());
  }

  private static SessionRecord insertSession(Connection c, SessionRecord s, int limit) throws SQLException {
    if (activeSessions(c, s.tenantId(), s.userId(), s.createdAt()) >= limit) {
      throw StoreErrors.sessionLimit(limit);
    }
    if (queryLong(c, SessionSql.ID_TAKEN, s.tenantId(), s.sessionId()) > 0) {
      throw StoreErrors.sessionIdTaken();
    }
    update(c, SessionSql.INSERT, s.tenantId(), s.sessionId(), s.userId(), s.tier(), s.createdAt().toEpochMilli(),
        s.expiresAt().toEpochMilli(), s.title(), s.messageCount(), s.lastUsedAt().toEpochMilli(),
        s.closedAt() == null ? null : s.closedAt().toEpochMilli());
    return s;
  }

  /*
   * A turn's question takes the session's next sequence number; its answer takes the same number as the second part, so
   * a conversation reads question, answer, question, answer even when questions were queued while an earlier answer was
   * still streaming.
   */

  /** Appends a turn's question to its conversation; answers its sequence number. */
  static long appendQuestion(Connection c, String tenantId, String sessionId, String turnId, String text, Instant at) throws SQLException {
    long seq = queryLong(c, SessionSql.INSERT_QUESTION, tenantId, sessionId, tenantId, sessionId, turnId, text, "completed", at.toEpochMilli());
    update(c, SessionSql.COUNT_MESSAGE, SessionRecord.titleOf(text), at.toEpochMilli(), tenantId, sessionId);
    return seq;
  }

  /** Appends a turn's answer beside its question ({@code questionSeq}; null: looked up, for turns of an older schema). */
  static void appendAnswer(Connection c, String tenantId, String sessionId, String turnId, Long questionSeq, String text, String status,
                           Instant at) throws SQLException {
    long seq = questionSeq != null ? questionSeq
        : queryLong(c, SessionSql.QUESTION_SEQ, tenantId, sessionId, tenantId, sessionId, turnId);
    update(c, SessionSql.INSERT_ANSWER, tenantId, sessionId, seq, turnId, text, status, at.toEpochMilli());
    update(c, SessionSql.COUNT_MESSAGE, null, at.toEpochMilli(), tenantId, sessionId);
  }

  @Override
  public Future<SessionRecord> createSession(SessionRecord session, int limit) {
    return db.write(c -> insertSession(c, session, limit));
  }

  @Override
  public Future<SessionRecord> latestOrNewSession(SessionRecord candidate, int limit) {
    return db.write(c -> {
      Optional<SessionRecord> latest = one(c, SessionSql.NEWEST_OPEN, SessionSql::sessionRow, candidate.tenantId(), candidate.userId(),
          candidate.createdAt().toEpochMilli());
      return latest.isPresent() ? latest.get() : insertSession(c, candidate, limit);
    });
  }

  @Override
  public Future<Optional<SessionRecord>> session(String tenantId, String sessionId) {
    return db.read(c -> one(c, SessionSql.SESSION, SessionSql::sessionRow, tenantId, sessionId));
  }

  @Override
  public Future<List<SessionRecord>> sessions(String tenantId, String userId, int max) {
    return db.read(c -> query(c, SessionSql.SESSIONS, SessionSql::sessionRow, tenantId, userId, max));
  }

  @Override
  public Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max) {
    return db.read(c -> {
      List<MessageRecord> out = new ArrayList<>(query(c, SessionSql.NEWEST_MESSAGES, rs -> new MessageRecord(rs.getString(1),
          rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))), tenantId, sessionId, max));
      Collections.reverse(out);
      return out;
    });
  }

  @Override
  public Future<Boolean> renameSession(String tenantId, String sessionId, String title) {
    return db.write(c -> update(c, SessionSql.RENAME, title, tenantId, sessionId) > 0);
  }

  @Override
  public Future<Optional<SessionRecord>> closeSession(String tenantId, String sessionId, Instant at) {
    return db.write(c -> {
      update(c, SessionSql.CLOSE, at.toEpochMilli(), at.toEpochMilli(), tenantId, sessionId);
      return one(c, SessionSql.SESSION, SessionSql::sessionRow, tenantId, sessionId);
    });
  }

  @Override
  public Future<Boolean> deleteSession(String tenantId, String sessionId) {
    return db.write(c -> {
      update(c, SessionSql.DELETE_TRACES, tenantId, tenantId, sessionId);
      update(c, SessionSql.DELETE_MESSAGES, tenantId, sessionId);
      return update(c, SessionSql.DELETE_SESSION, tenantId, sessionId) > 0;
    });
  }

  @Override
  public Future<Void> hideTurn(String tenantId, String sessionId, String turnId) {
    return db.write(c -> {
      int hidden = update(c, SessionSql.HIDE_TURN, tenantId, sessionId, turnId);
      update(c, SessionSql.UNCOUNT, hidden, tenantId, sessionId);
      return null;
    });
  }

  @Override
  public Future<List<SearchHit>> search(String tenantId, String userId, String text, int max) {
    String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return db.read(c -> query(c, SessionSql.SEARCH, rs -> new SearchHit(rs.getString("session_id"), rs.getString("title"),
        Sql.instant(rs, "last_used_at") != null ? Sql.instant(rs, "last_used_at") : Sql.instant(rs, "created_at"), rs.getString("hit")),
        pattern, tenantId, userId, pattern, max));
  }
}
