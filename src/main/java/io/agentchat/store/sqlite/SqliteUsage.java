package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.one;
import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.queryLong;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.BudgetAlert;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.QuotaUsage;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.ReserveOutcome.Status;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SettleOutcome;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageStore;
import io.agentchat.store.UsageTotals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reservation and settlement of turns in SQLite: each is one write, so its checks and increments are exact under any
 * concurrency (the writer runs one write at a time). The rules are {@link MeteringRules}.
 */
final class SqliteUsage implements UsageStore {
  private final SqliteDb db;

  SqliteUsage(SqliteDb db) {
    this.db = db;
  }

  private static long counter(Connection c, String tenantId, String userId, String period) throws SQLException {
    return queryLong(c, UsageSql.COUNTER, tenantId, userId, period);
  }

  private static void addCounter(Connection c, String tenantId, String userId, String period, int delta) throws SQLException {
    update(c, UsageSql.ADD_COUNTER, tenantId, userId, period, delta);
  }

  private static long turnCost(Connection c, String tenantId, String turnId) throws SQLException {
    return queryLong(c, UsageSql.TURN_COST, tenantId, turnId);
  }

  @Override
  public Future<ReserveOutcome> reserveTurn(ReserveRequest r) {
    return db.write(c -> {
      if (r.requestId() != null) {
        Optional<TurnRecord> earlier = one(c, UsageSql.TURN_BY_REQUEST, UsageSql::turnRow, r.tenantId(), r.userId(), r.requestId());
        if (earlier.isPresent()) {
          if (MeteringRules.stillIdempotent(earlier.get().createdAt(), r.now())) {
            return new ReserveOutcome(Status.DUPLICATE, earlier.get(), 0, 0);
          }
          update(c, UsageSql.FORGET_REQUEST, r.tenantId(), earlier.get().turnId());
        }
      }
      if (queryLong(c, UsageSql.TURN_EXISTS, r.tenantId(), r.turnId()) > 0) {
        throw StoreErrors.turnIdTaken();
      }
      long daily = counter(c, r.tenantId(), r.userId(), r.dayKey());
      long monthly = counter(c, r.tenantId(), r.userId(), r.monthKey());
      Status status = MeteringRules.admission(check -> switch (check) {
        case DAILY_QUOTA -> MeteringRules.quotaAdmits(daily, r.dailyLimit());
        case MONTHLY_QUOTA -> MeteringRules.quotaAdmits(monthly, r.monthlyLimit());
        case TENANT_BUDGET, USER_BUDGET -> !MeteringRules.holdsBudget(r) || MeteringRules.holdFits(
            SqliteBudgets.budget(c, r.tenantId(), check.scope(r.userId()), r.monthKey()).orElse(null), r.budgetReserveNanos());
      });
      if (status != Status.RESERVED) {
        return new ReserveOutcome(status, null, daily, monthly);
      }
      SqliteBudgets.hold(c, r);
      addCounter(c, r.tenantId(), r.userId(), r.dayKey(), 1);
      addCounter(c, r.tenantId(), r.userId(), r.monthKey(), 1);
      TurnRecord turn = new TurnRecord(r.tenantId(), r.turnId(), r.userId(), r.sessionId(), r.requestId(), TurnRecord.RUNNING, r.dayKey(),
          r.monthKey(), r.now(), null);
      update(c, UsageSql.INSERT_TURN, turn.tenantId(), turn.turnId(), turn.userId(), turn.sessionId(), turn.requestId(), turn.status(),
          turn.dayKey(), turn.monthKey(), turn.createdAt().toEpochMilli(), r.budgetReserveNanos());
      SqliteSessions.appendMessage(c, r.tenantId(), r.sessionId(), r.turnId(), "user", r.message(), "completed", r.now());
      return new ReserveOutcome(Status.RESERVED, turn, daily + 1, monthly + 1);
    });
  }

  @Override
  public Future<SettleOutcome> settleTurn(SettleRequest r) {
    return db.write(c -> {
      MeteringRules.requireOwnEvents(r);
      TurnRecord turn = one(c, UsageSql.TURN, UsageSql::turnRow, r.tenantId(), r.turnId()).orElseThrow(StoreErrors::unknownTurn);
      if (!turn.running()) {
        return new SettleOutcome(false, 0, turnCost(c, r.tenantId(), r.turnId()));
      }
      update(c, UsageSql.CLOSE_TURN, r.status(), r.now().toEpochMilli(), r.tenantId(), r.turnId());
      int recorded = 0;
      for (UsageEvent e : r.events()) {
        String day = MeteringRules.rollupDay(e);
        if (update(c, UsageSql.INSERT_EVENT, e.tenantId(), e.eventId(), e.userId(), e.sessionId(), e.turnId(), e.kind().wire(), e.service(),
            e.model(), e.quantity(), e.costNanos(), e.estimated() ? 1 : 0, day, e.at().toEpochMilli()) == 1) {
          recorded++;
          SqliteReports.addRollup(c, e, day);
        }
      }
      if (r.refund()) {
        addCounter(c, r.tenantId(), turn.userId(), turn.dayKey(), -1);
        addCounter(c, r.tenantId(), turn.userId(), turn.monthKey(), -1);
      }
      for (int i = 0; i < r.traces().size(); i++) {
        JsonObject step = r.traces().get(i);
        update(c, UsageSql.INSERT_TRACE, r.tenantId(), r.turnId(), i, step.getString("step", ""), step.encode());
      }
      if (r.reply() != null) {
        SqliteSessions.appendMessage(c, r.tenantId(), r.sessionId(), r.turnId(), "assistant", r.reply(), r.status(), r.now());
      }
      long cost = turnCost(c, r.tenantId(), r.turnId());
      UsageTotals totals = UsageTotals.sum(r.events());
      update(c, UsageSql.TURN_TOTALS, cost, totals.inputTokens(), totals.outputTokens(), r.tenantId(), r.turnId());
      long held = queryLong(c, UsageSql.HELD, r.tenantId(), r.turnId());
      List<BudgetAlert> alerts = SqliteBudgets.charge(c, r.tenantId(), turn.userId(), turn.monthKey(), cost, held);
      return new SettleOutcome(true, recorded, cost, alerts);
    });
  }

  @Override
  public Future<Optional<TurnRecord>> turn(String tenantId, String turnId) {
    return db.read(c -> one(c, UsageSql.TURN, UsageSql::turnRow, tenantId, turnId));
  }

  @Override
  public Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now) {
    return db.read(c -> new QuotaUsage(counter(c, tenantId, userId, dayKey), counter(c, tenantId, userId, monthKey),
        (int) SqliteSessions.activeSessions(c, tenantId, userId, now)));
  }

  @Override
  public Future<UsageTotals> userTotals(String tenantId, String userId, String fromDay, String toDay) {
    return db.read(c -> one(c, UsageSql.USER_TOTALS, rs -> new UsageTotals(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
        rs.getLong(5)), tenantId, userId, fromDay, toDay).orElse(UsageTotals.ZERO));
  }

  @Override
  public Future<List<UsageEvent>> turnEvents(String tenantId, String turnId) {
    return db.read(c -> query(c, UsageSql.TURN_EVENTS, UsageSql::eventRow, tenantId, turnId));
  }

  @Override
  public Future<List<JsonObject>> traces(String tenantId, String turnId) {
    return db.read(c -> query(c, UsageSql.TRACES, rs -> new JsonObject(rs.getString(1)), tenantId, turnId));
  }

  @Override
  public Future<List<TurnRecord>> runningTurns() {
    return db.read(c -> query(c, UsageSql.RUNNING, UsageSql::turnRow));
  }
}
