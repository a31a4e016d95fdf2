package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.one;
import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.Budget;
import io.agentchat.store.BudgetAlert;
import io.agentchat.store.BudgetStore;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.ReserveRequest;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Budgets in SQLite: the limits, and per scope and month the spending and the holds of running turns
 * ({@code reserved_nanos}). Reservation and settlement call the static steps inside their own transaction.
 */
final class SqliteBudgets implements BudgetStore {
  private final SqliteDb db;

  SqliteBudgets(SqliteDb db) {
    this.db = db;
  }

  /** A budget with the month's spending; empty when the scope has none. */
  static Optional<Budget> budget(Connection c, String tenantId, String scope, String month) throws SQLException {
    return one(c, BudgetSql.BUDGET, rs -> new Budget(tenantId, scope, rs.getLong(1), rs.getLong(2), rs.getLong(3)), month, tenantId, scope);
  }

  /** A scope's month after a change: its spending, and its limit (null without a budget). */
  private record Spending(String scope, long spentNanos, Long limitNanos) {
  }

  /** Adds the same spending and hold change to every budget scope of a turn (its user's, and its API key's if any), in one statement. */
  private static List<Spending> addUsage(Connection c, String tenantId, List<String> scopes, String month, long spent, long held)
      throws SQLException {
    List<Object> rows = new ArrayList<>();
    for (String scope : scopes) {
      rows.addAll(List.of(tenantId, scope, month, spent, held));
    }
    return Sql.queryRows(c, BudgetSql.ADD_USAGE, scopes.size(), rows,
        rs -> new Spending(rs.getString(1), rs.getLong(2), rs.getObject(3) == null ? null : rs.getLong(3)), held);
  }

  /** Holds the reservation's bound against every budget scope of the turn (after its checks passed). */
  static void hold(Connection c, ReserveRequest r) throws SQLException {
    if (MeteringRules.holdsBudget(r)) {
      addUsage(c, r.tenantId(), MeteringRules.budgetScopes(r.userId(), r.apiKeyId()), r.monthKey(), 0, r.budgetReserveNanos());
    }
  }

  /**
   * Replaces a settled turn's hold by its cost in every scope (its API key's too when {@code apiKeyId} is not null, so that
   * the key's spending is kept with or without a budget), and records each threshold newly reached.
   */
  static List<BudgetAlert> charge(Connection c, String tenantId, String userId, String apiKeyId, String month, long cost, long held)
      throws SQLException {
    List<String> scopes = MeteringRules.budgetScopes(userId, apiKeyId);
    Map<String, Spending> byScope = new HashMap<>();
    for (Spending s : addUsage(c, tenantId, scopes, month, cost, -held)) {
      byScope.put(s.scope(), s);
    }
    List<BudgetAlert> alerts = new ArrayList<>();
    for (String scope : scopes) {
      Spending s = byScope.get(scope);
      if (s == null || s.limitNanos() == null) {
        continue;
      }
      for (int threshold : MeteringRules.thresholdsReached(s.spentNanos(), s.limitNanos())) {
        if (update(c, BudgetSql.INSERT_ALERT, tenantId, scope, month, threshold) == 1) {
          alerts.add(new BudgetAlert(tenantId, scope, month, threshold, s.spentNanos(), s.limitNanos()));
        }
      }
    }
    return alerts;
  }

  @Override
  public Future<Void> setBudget(String tenantId, String scope, long limitNanos) {
    return db.write(c -> {
      if (limitNanos < 0) {
        update(c, BudgetSql.DELETE, tenantId, scope);
      } else {
        update(c, BudgetSql.SET, tenantId, scope, limitNanos);
      }
      return null;
    });
  }

  @Override
  public Future<Long> spent(String tenantId, String scope, String monthKey) {
    return db.read(c -> one(c, BudgetSql.SPENT, rs -> rs.getLong(1), tenantId, scope, monthKey).orElse(0L));
  }

  @Override
  public Future<List<Budget>> budgets(String tenantId, String monthKey) {
    return db.read(c -> query(c, BudgetSql.BUDGETS, rs -> new Budget(tenantId, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
        monthKey, tenantId));
  }
}
