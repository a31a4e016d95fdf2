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
import java.util.List;
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

  private static void addUsage(Connection c, String tenantId, String scope, String month, long spent, long held) throws SQLException {
    update(c, BudgetSql.ADD_USAGE, tenantId, scope, month, spent, held, held);
  }

  /** Holds the reservation's bound against every budget scope of the turn (after its checks passed). */
  static void hold(Connection c, ReserveRequest r) throws SQLException {
    if (MeteringRules.holdsBudget(r)) {
      for (String scope : MeteringRules.budgetScopes(r.userId())) {
        addUsage(c, r.tenantId(), scope, r.monthKey(), 0, r.budgetReserveNanos());
      }
    }
  }

  /** Replaces a settled turn's hold by its cost in every scope, and records each threshold newly reached. */
  static List<BudgetAlert> charge(Connection c, String tenantId, String userId, String month, long cost, long held) throws SQLException {
    List<BudgetAlert> alerts = new ArrayList<>();
    for (String scope : MeteringRules.budgetScopes(userId)) {
      addUsage(c, tenantId, scope, month, cost, -held);
      Optional<Budget> b = budget(c, tenantId, scope, month);
      if (b.isEmpty()) {
        continue;
      }
      for (int threshold : MeteringRules.thresholdsReached(b.get().spentNanos(), b.get().limitNanos())) {
        if (update(c, BudgetSql.INSERT_ALERT, tenantId, scope, month, threshold) == 1) {
          alerts.add(new BudgetAlert(tenantId, scope, month, threshold, b.get().spentNanos(), b.get().limitNanos()));
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
  public Future<List<Budget>> budgets(String tenantId, String monthKey) {
    return db.read(c -> query(c, BudgetSql.BUDGETS, rs -> new Budget(tenantId, rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)),
        monthKey, tenantId));
  }
}
