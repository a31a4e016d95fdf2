package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.ReportStore;
import io.agentchat.store.RollupRow;
import io.agentchat.store.TurnCost;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageTotals;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Daily rollups (advanced by each recorded event, rebuilt from the events on demand) and the most expensive turns. */
final class SqliteReports implements ReportStore {
  private final SqliteDb db;

  SqliteReports(SqliteDb db) {
    this.db = db;
  }

  /** Adds one newly recorded event to its rollup (inside the settlement's transaction). */
  static void addRollup(Connection c, UsageEvent e, String day) throws SQLException {
    UsageTotals u = UsageTotals.of(e);
    update(c, ReportSql.ADD_ROLLUP, e.tenantId(), day, e.userId(), e.service(), e.model(), u.inputTokens(), u.outputTokens(), u.invocations(),
        u.toolActions(), u.costNanos());
  }

  @Override
  public Future<List<RollupRow>> rollups(String tenantId, String fromDay, String toDay) {
    return db.read(c -> query(c, ReportSql.ROLLUPS, rs -> new RollupRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10)), tenantId, fromDay, toDay));
  }

  @Override
  public Future<List<TurnCost>> topTurns(String tenantId, String userId, Instant from, Instant to, int limit) {
    Object[] args = userId == null ? new Object[] {tenantId, from.toEpochMilli(), to.toEpochMilli(), limit}
        : new Object[] {tenantId, from.toEpochMilli(), to.toEpochMilli(), userId, limit};
    return db.read(c -> query(c, ReportSql.topTurns(userId != null), rs -> new TurnCost(rs.getString(1), rs.getString(2), rs.getString(3),
        rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getLong(6), rs.getLong(7), rs.getLong(8)), args));
  }

  @Override
  public Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay) {
    return db.write(c -> {
      update(c, ReportSql.DELETE_ROLLUPS, tenantId, fromDay, toDay);
      return (long) update(c, ReportSql.REBUILD_ROLLUPS, tenantId, fromDay, toDay);
    });
  }
}
