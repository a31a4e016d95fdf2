package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.instant;

import io.agentchat.store.SessionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL of sessions and their messages. */
final class SessionSql {
  private SessionSql() {
  }

  static final String SESSION_COLS = "tenant_id, session_id, user_id, tier, created_at, expires_at, title, message_count, last_used_at, closed_at";

  static SessionRecord sessionRow(ResultSet rs) throws SQLException {
    return new SessionRecord(rs.getString("tenant_id"), rs.getString("session_id"), rs.getString("user_id"), rs.getString("tier"),
        instant(rs, "created_at"), instant(rs, "expires_at"), rs.getString("title"), rs.getInt("message_count"),
        instant(rs, "last_used_at"), instant(rs, "closed_at"));
  }

  /** The user's sessions still open at a time. */
  static final String ACTIVE = """
      SELECT COUNT(*) FROM sessions
      WHERE tenant_id = ? AND user_id = ? AND expires_at > ?""";

  static final String ID_TAKEN = "SELECT COUNT(*) FROM sessions WHERE tenant_id = ? AND session_id = ?";

  static final String INSERT = "INSERT INTO sessions(" + SESSION_COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?)";

  static final String NEWEST_OPEN = "SELECT " + SESSION_COLS + """
       FROM sessions
      WHERE tenant_id = ? AND user_id = ? AND expires_at > ?
      ORDER BY created_at DESC LIMIT 1""";

  static final String SESSION = "SELECT " + SESSION_COLS + " FROM sessions WHERE tenant_id = ? AND session_id = ?";

  /** A user's chats, the last used first: not the sessions of programs' requests (ids starting {@code api-}). */
  static final String SESSIONS = "SELECT " + SESSION_COLS + """
       FROM sessions
      WHERE tenant_id = ? AND user_id = ? AND session_id NOT LIKE 'api-%'
      ORDER BY last_used_at DESC, created_at DESC LIMIT ?""";

  static final String NEWEST_MESSAGES = """
      SELECT turn_id, role, text, status, created_at FROM messages
      WHERE tenant_id = ? AND session_id = ? AND hidden = 0
      ORDER BY seq DESC, part DESC LIMIT ?""";

  static final String RENAME = "UPDATE sessions SET title = ? WHERE tenant_id = ? AND session_id = ?";

  /** Ends a session now (unless it ended before) and marks it closed. */
  static final String CLOSE = """
      UPDATE sessions SET expires_at = MIN(expires_at, ?), closed_at = COALESCE(closed_at, ?)
      WHERE tenant_id = ? AND session_id = ?""";

  /** A session's turns' trace steps, found through its messages (hidden ones included). */
  static final String DELETE_TRACES = """
      DELETE FROM traces WHERE tenant_id = ? AND turn_id IN
        (SELECT DISTINCT turn_id FROM messages WHERE tenant_id = ? AND session_id = ?)""";

  static final String DELETE_MESSAGES = "DELETE FROM messages WHERE tenant_id = ? AND session_id = ?";

  static final String DELETE_SESSION = "DELETE FROM sessions WHERE tenant_id = ? AND session_id = ?";

  static final String HIDE_TURN = "UPDATE messages SET hidden = 1 WHERE tenant_id = ? AND session_id = ? AND turn_id = ? AND hidden = 0";

  /** Messages hidden from a conversation no longer count among its messages. */
  static final String UNCOUNT = "UPDATE sessions SET message_count = MAX(0, message_count - ?) WHERE tenant_id = ? AND session_id = ?";

  /**
   * A user's chats whose title or a visible message contains a pattern ({@code LIKE} with {@code \} escaping; ASCII letters
   * in any case), the last used first, with the newest matching message.
   */
  static final String SEARCH = """
      SELECT session_id, title, last_used_at, created_at, hit FROM (
        SELECT s.session_id, s.title, s.last_used_at, s.created_at,
          (SELECT m.text FROM messages m WHERE m.tenant_id = s.tenant_id AND m.session_id = s.session_id AND m.hidden = 0
             AND m.text LIKE ? ESCAPE '\\' ORDER BY m.seq DESC, m.part DESC LIMIT 1) AS hit
        FROM sessions s
        WHERE s.tenant_id = ? AND s.user_id = ? AND s.session_id NOT LIKE 'api-%')
      WHERE hit IS NOT NULL OR title LIKE ? ESCAPE '\\'
      ORDER BY last_used_at DESC, created_at DESC LIMIT ?""";

  /** A question, at the session's next sequence number, which it answers. */
  static final String INSERT_QUESTION = """
      INSERT INTO messages(tenant_id, session_id, seq, part, turn_id, role, text, status, created_at)
      VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE tenant_id = ? AND session_id = ?), 0, ?, 'user', ?, ?, ?)
      RETURNING seq""";

  /** An answer's sequence number when its turn does not know its question's: the question's, else the session's next. */
  static final String QUESTION_SEQ = """
      SELECT COALESCE(MAX(seq), (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE tenant_id = ? AND session_id = ?))
      FROM messages WHERE tenant_id = ? AND session_id = ? AND turn_id = ?""";

  /** An answer: the second part of its question's sequence number. */
  static final String INSERT_ANSWER = """
      INSERT INTO messages(tenant_id, session_id, seq, part, turn_id, role, text, status, created_at)
      VALUES (?,?,?,1,?,'assistant',?,?,?)""";

  /** One more message, the session used at its time; the first question gives the session its title. */
  static final String COUNT_MESSAGE = """
      UPDATE sessions SET message_count = message_count + 1, title = COALESCE(title, ?), last_used_at = MAX(COALESCE(last_used_at, 0), ?)
      WHERE tenant_id = ? AND session_id = ?""";
}
