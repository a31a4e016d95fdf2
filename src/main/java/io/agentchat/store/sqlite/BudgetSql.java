package io.agentchat.store.sqlite;

/** The SQL of budgets, their monthly spending and holds, and their alerts. */
final class BudgetSql {
  private BudgetSql() {
  }

  /** One budget with a month's spending: parameters month, tenant, scope. */
  static final String BUDGET = """
      SELECT b.limit_nanos, COALESCE(u.spent_nanos, 0), COALESCE(u.reserved_nanos, 0) FROM budgets b
      LEFT JOIN budget_usage u ON u.tenant_id = b.tenant_id AND u.scope = b.scope AND u.month = ?
      WHERE b.tenant_id = ? AND b.scope = ?""";

  /** The tenant's budgets with a month's spending: parameters month, tenant. */
  static final String BUDGETS = """
      SELECT b.scope, b.limit_nanos, COALESCE(u.spent_nanos, 0), COALESCE(u.reserved_nanos, 0) FROM budgets b
      LEFT JOIN budget_usage u ON u.tenant_id = b.tenant_id AND u.scope = b.scope AND u.month = ?
      WHERE b.tenant_id = ? ORDER BY b.scope""";

  /**
   * Adds the same spending and hold change to budget scopes (never below zero): a row is tenant, scope, month, spent and
   * the change (its floor at zero for a new row); the last parameter is the change again. Answers each scope with its
   * month's spending and its limit (null when the scope has no budget).
   */
  static final Sql.Rows ADD_USAGE = new Sql.Rows("INSERT INTO budget_usage(tenant_id, scope, month, spent_nanos, reserved_nanos)",
      "(?,?,?,?,MAX(0, ?))", """
      ON CONFLICT(tenant_id, scope, month) DO UPDATE SET spent_nanos = spent_nanos + excluded.spent_nanos,
      reserved_nanos = MAX(0, reserved_nanos + ?)
      RETURNING scope, spent_nanos,
        (SELECT b.limit_nanos FROM budgets b WHERE b.tenant_id = budget_usage.tenant_id AND b.scope = budget_usage.scope)""");

  static final String SPENT = "SELECT spent_nanos FROM budget_usage WHERE tenant_id = ? AND scope = ? AND month = ?";

  /** Recorded once, so the alert is sent once. */
  static final String INSERT_ALERT = """
      INSERT INTO budget_alerts(tenant_id, scope, month, threshold)
      VALUES (?,?,?,?) ON CONFLICT DO NOTHING""";

  static final String SET = """
      INSERT INTO budgets(tenant_id, scope, limit_nanos) VALUES (?,?,?)
      ON CONFLICT(tenant_id, scope) DO UPDATE SET limit_nanos = excluded.limit_nanos""";

  static final String DELETE = "DELETE FROM budgets WHERE tenant_id = ? AND scope = ?";
}
