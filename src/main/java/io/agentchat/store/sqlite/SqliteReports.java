package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.KeyTotals;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.ReportStore;
import io.agentchat.store.RollupRow;
import io.agentchat.store.TurnCost;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageTotals;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Daily rollups (advanced by each recorded event, rebuilt from the events on demand), the most expensive turns and what
 * each API key's turns used.
 */
final class SqliteReports implements ReportStore {
  private final SqliteDb db;

  SqliteReports(SqliteDb db) {
    this.db = db;
  }

  /** The rollup an event adds to, within its tenant. */
  private record RollupKey(String day, String userId, String service, String model) {
  }

  /** Adds newly recorded events of one tenant to their rollups, one row per rollup (inside the settlement's transaction). */
  static void addRollups(Connection c, String tenantId, List<UsageEvent> events) throws SQLException {
    Map<RollupKey, UsageTotals> totals = new LinkedHashMap<>();
    Map<RollupKey, Integer> counts = new HashMap<>();
    for (UsageEvent e : events) {
      RollupKey k = new RollupKey(MeteringRules.rollupDay(e), e.userId(), e.service(), e.model());
      totals.merge(k, UsageTotals.of(e), UsageTotals::plus);
      counts.merge(k, 1, Integer::sum);
    }
    List<Object> args = new ArrayList<>();
    for (Map.Entry<RollupKey, UsageTotals> g : totals.entrySet()) {
      RollupKey k = g.getKey();
      UsageTotals u = g.getValue();
      args.addAll(Arrays.asList(tenantId, k.day(), k.userId(), k.service(), k.model(), u.inputTokens(), u.outputTokens(), u.invocations(),
          u.toolActions(), u.costNanos(), counts.get(k)));
    }
    Sql.updateRows(c, ReportSql.ADD_ROLLUPS, totals.size(), args);
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
  public Future<List<KeyTotals>> keyTotals(String tenantId, Instant from, Instant to) {
    return db.read(c -> query(c, ReportSql.KEY_TOTALS, rs -> new KeyTotals(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
        rs.getLong(5)), tenantId, from.toEpochMilli(), to.toEpochMilli()));
  }

  @Override
  public Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay) {
    return db.write(c -> {
      update(c, ReportSql.DELETE_ROLLUPS, tenantId, fromDay, toDay);
      return (long) update(c, ReportSql.REBUILD_ROLLUPS, tenantId, fromDay, toDay);
    });
  }
}
