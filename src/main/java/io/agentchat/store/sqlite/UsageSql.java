package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.instant;

import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL of turns, quota counters, usage events and trace steps. */
final class UsageSql {
  private UsageSql() {
  }

  static final String TURN_COLS = "tenant_id, turn_id, user_id, session_id, request_id, status, day_key, month_key, created_at, finished_at, "
      + "api_key_id";

  static TurnRecord turnRow(ResultSet rs) throws SQLException {
    return new TurnRecord(rs.getString("tenant_id"), rs.getString("turn_id"), rs.getString("user_id"), rs.getString("session_id"),
        rs.getString("request_id"), rs.getString("status"), rs.getString("day_key"), rs.getString("month_key"),
        instant(rs, "created_at"), instant(rs, "finished_at"), rs.getString("api_key_id"));
  }

  static final String TURN = "SELECT " + TURN_COLS + " FROM turns WHERE tenant_id = ? AND turn_id = ?";

  static final String TURN_BY_REQUEST = "SELECT " + TURN_COLS + " FROM turns WHERE tenant_id = ? AND user_id = ? AND request_id = ?";

  /** A request id older than the idempotency window is freed for a new turn. */
  static final String FORGET_REQUEST = "UPDATE turns SET request_id = NULL WHERE tenant_id = ? AND turn_id = ?";

  static final String TURN_EXISTS = "SELECT COUNT(*) FROM turns WHERE tenant_id = ? AND turn_id = ?";

  /** A new turn, with its API key (or null), its budget hold and the sequence number of its question in the conversation. */
  static final String INSERT_TURN = "INSERT INTO turns(" + TURN_COLS + ", budget_reserved_nanos, question_seq) VALUES (?,?,?,?,?,?,?,?,?,NULL,?,?,?)";

  /** A turn to settle: its record, its budget hold and its question's sequence number (null for turns of an older schema). */
  static final String TURN_TO_SETTLE = "SELECT " + TURN_COLS + ", budget_reserved_nanos, question_seq FROM turns WHERE tenant_id = ? AND turn_id = ?";

  static final String RUNNING = "SELECT " + TURN_COLS + " FROM turns WHERE status = 'running'";

  /** A user's two quota counters (the day's and the month's): parameters tenant, user, day period, month period. */
  static final String COUNTERS = """
      SELECT period, used FROM counters
      WHERE tenant_id = ? AND user_id = ? AND period IN (?, ?)""";

  /** Adds to quota counters, never below zero: a row is tenant, user, period, delta. */
  static final Sql.Rows ADD_COUNTERS = new Sql.Rows("INSERT INTO counters(tenant_id, user_id, period, used)", "(?,?,?,?)",
      "ON CONFLICT(tenant_id, user_id, period) DO UPDATE SET used = MAX(0, used + excluded.used)");

  /** A settled turn: its status, end, and totals for the most-expensive-turns report. */
  static final String FINISH_TURN = """
      UPDATE turns SET status = ?, finished_at = ?, cost_nanos = ?, input_tokens = ?, output_tokens = ?
      WHERE tenant_id = ? AND turn_id = ?""";

  /** Usage events, each recorded once: a repeat of an event id changes nothing. Answers the ids it recorded. */
  static final Sql.Rows INSERT_EVENTS = new Sql.Rows("""
      INSERT INTO usage_events(tenant_id, event_id, user_id, session_id, turn_id, kind, service, model, quantity,
        cost_nanos, estimated, day, created_at)""", "(?,?,?,?,?,?,?,?,?,?,?,?,?)", "ON CONFLICT DO NOTHING RETURNING event_id");

  static final String TURN_COST = "SELECT COALESCE(SUM(cost_nanos), 0) FROM usage_events WHERE tenant_id = ? AND turn_id = ?";

  static UsageEvent eventRow(ResultSet rs) throws SQLException {
    return new UsageEvent(rs.getString("event_id"), rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("session_id"),
        rs.getString("turn_id"), UsageKind.fromWire(rs.getString("kind")), rs.getString("service"), rs.getString("model"),
        rs.getLong("quantity"), rs.getLong("cost_nanos"), rs.getInt("estimated") == 1, instant(rs, "created_at"));
  }

  static final String TURN_EVENTS = """
      SELECT tenant_id, event_id, user_id, session_id, turn_id, kind, service, model, quantity, cost_nanos, estimated, created_at
      FROM usage_events WHERE tenant_id = ? AND turn_id = ? ORDER BY event_id""";

  /** A turn's trace steps: a row is tenant, turn, seq, step, detail. */
  static final Sql.Rows INSERT_TRACES = new Sql.Rows("INSERT INTO traces(tenant_id, turn_id, seq, step, detail)", "(?,?,?,?,?)",
      "ON CONFLICT DO NOTHING");

  static final String TRACES = "SELECT detail FROM traces WHERE tenant_id = ? AND turn_id = ? ORDER BY seq";

  static final String USER_TOTALS = """
      SELECT COALESCE(SUM(input_tokens),0), COALESCE(SUM(output_tokens),0), COALESCE(SUM(invocations),0),
        COALESCE(SUM(tool_actions),0), COALESCE(SUM(cost_nanos),0)
      FROM rollups WHERE tenant_id = ? AND user_id = ? AND day >= ? AND day <= ?""";
}
