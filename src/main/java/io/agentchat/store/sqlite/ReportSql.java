package io.agentchat.store.sqlite;

import io.agentchat.store.UsageKind;

/** The SQL of daily rollups and the most expensive turns. */
final class ReportSql {
  private ReportSql() {
  }

  /** Advances a rollup by one event's totals. */
  /** Adds to daily rollups: a row is tenant, day, user, service, model, then the five totals and the number of events. */
  static final Sql.Rows ADD_ROLLUPS = new Sql.Rows(
      "INSERT INTO rollups(tenant_id, day, user_id, service, model, input_tokens, output_tokens, invocations, tool_actions, cost_nanos, events)",
      "(?,?,?,?,?,?,?,?,?,?,?)", """
      ON CONFLICT(tenant_id, day, user_id, service, model) DO UPDATE SET
      input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
      invocations = invocations + excluded.invocations, tool_actions = tool_actions + excluded.tool_actions,
      cost_nanos = cost_nanos + excluded.cost_nanos, events = events + excluded.events""");

  static final String ROLLUPS = """
      SELECT day, user_id, service, model, input_tokens, output_tokens, invocations, tool_actions, cost_nanos, events
      FROM rollups WHERE tenant_id = ? AND day >= ? AND day <= ? ORDER BY day""";

  static String topTurns(boolean oneUser) {
    return "SELECT turn_id, user_id, session_id, status, created_at, input_tokens, output_tokens, cost_nanos FROM turns "
        + "WHERE tenant_id = ? AND created_at >= ? AND created_at < ? AND status <> 'running'" + (oneUser ? " AND user_id = ?" : "")
        + " ORDER BY cost_nanos DESC, created_at DESC LIMIT ?";
  }

  /** What each API key's settled turns started in a period used: parameters tenant, from, to (epoch milliseconds). */
  static final String KEY_TOTALS = """
      SELECT api_key_id, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cost_nanos) FROM turns
      WHERE tenant_id = ? AND created_at >= ? AND created_at < ? AND status <> 'running' AND api_key_id IS NOT NULL
      GROUP BY api_key_id ORDER BY api_key_id""";

  static final String DELETE_ROLLUPS = "DELETE FROM rollups WHERE tenant_id = ? AND day >= ? AND day <= ?";

  /** The rollups of days in a range, summed again from their events. */
  static final String REBUILD_ROLLUPS = "INSERT INTO rollups(tenant_id, day, user_id, service, model, input_tokens, output_tokens, "
      + "invocations, tool_actions, cost_nanos, events) SELECT tenant_id, day, user_id, service, model, "
      + sumOf(UsageKind.INPUT_TOKENS) + ", " + sumOf(UsageKind.OUTPUT_TOKENS) + ", " + sumOf(UsageKind.INVOCATION) + ", "
      + sumOf(UsageKind.TOOL_ACTION) + ", SUM(cost_nanos), COUNT(*) FROM usage_events WHERE tenant_id = ? AND day >= ? AND day <= ? "
      + "GROUP BY tenant_id, day, user_id, service, model";

  private static String sumOf(UsageKind kind) {
    return "SUM(CASE WHEN kind = '" + kind.wire() + "' THEN quantity ELSE 0 END)";
  }
}
