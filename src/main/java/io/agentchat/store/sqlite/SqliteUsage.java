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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** A user's day and month counters, in that order. */
  private static long[] counters(Connection c, String tenantId, String userId, String dayKey, String monthKey) throws SQLException {
    long[] used = new long[2];
    for (Object[] row : query(c, UsageSql.COUNTERS, rs -> new Object[] {rs.getString(1), rs.getLong(2)}, tenantId, userId, dayKey, monthKey)) {
      used[dayKey.equals(row[0]) ? 0 : 1] = (Long) row[1];
    }
    return used;
  }

  private static void addCounters(Connection c, String tenantId, String userId, String dayKey, String monthKey, int delta) throws SQLException {
    Sql.updateRows(c, UsageSql.ADD_COUNTERS, 2, List.of(tenantId, userId, dayKey, delta, tenantId, userId, monthKey, delta));
  }

  private static long turnCost(Connection c, String tenantId, String turnId) throws SQLException {
    return queryLong(c, UsageSql.TURN_COST, tenantId, turnId);
  }

  /** A turn as settlement reads it: the record, its budget hold, its question's sequence number (null: not stored). */
  private record ToSettle(TurnRecord turn, long held, Long questionSeq) {
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
      long[] used = counters(c, r.tenantId(), r.userId(), r.dayKey(), r.monthKey());
      long daily = used[0];
      long monthly = used[1];
      Status status = MeteringRules.admission(check -> switch (check) {
        case DAILY_QUOTA -> MeteringRules.quotaAdmits(daily, r.dailyLimit());
        case MONTHLY_QUOTA -> MeteringRules.quotaAdmits(monthly, r.monthlyLimit());
        case TENANT_BUDGET, USER_BUDGET, KEY_BUDGET -> !MeteringRules.holdsBudget(r) || check.scope(r) == null || MeteringRules.holdFits(
            SqliteBudgets.budget(c, r.tenantId(), check.scope(r), r.monthKey()).orElse(null), r.budgetReserveNanos());
      });
      if (status != Status.RESERVED) {
        return new ReserveOutcome(status, null, daily, monthly);
      }
      SqliteBudgets.hold(c, r);
      addCounters(c, r.tenantId(), r.userId(), r.dayKey(), r.monthKey(), 1);
      long questionSeq = SqliteSessions.appendQuestion(c, r.tenantId(), r.sessionId(), r.turnId(), r.message(), r.now());
      TurnRecord turn = new TurnRecord(r.tenantId(), r.turnId(), r.userId(), r.sessionId(), r.requestId(), TurnRecord.RUNNING, r.dayKey(),
          r.monthKey(), r.now(), null, r.apiKeyId());
      update(c, UsageSql.INSERT_TURN, turn.tenantId(), turn.turnId(), turn.userId(), turn.sessionId(), turn.requestId(), turn.status(),
          turn.dayKey(), turn.monthKey(), turn.createdAt().toEpochMilli(), turn.apiKeyId(), r.budgetReserveNanos(), questionSeq);
      return new ReserveOutcome(Status.RESERVED, turn, daily + 1, monthly + 1);
    });
  }

  /**
   * Settles a running turn in one write of few statements: its events in one insert (those recorded before are skipped),
   * one rollup row per rollup they add to, its trace steps in one insert, its answer, its status with its totals, and its
   * budgets charged with their spending read back.
   */
  @Override
  public Future<SettleOutcome> settleTurn(SettleRequest r) {
    return db.write(c -> {
      MeteringRules.requireOwnEvents(r);
      ToSettle settling = one(c, UsageSql.TURN_TO_SETTLE, rs -> new ToSettle(UsageSql.turnRow(rs), rs.getLong("budget_reserved_nanos"),
          rs.getObject("question_seq") == null ? null : rs.getLong("question_seq")), r.tenantId(), r.turnId())
          .orElseThrow(StoreErrors::unknownTurn);
      TurnRecord turn = settling.turn();
      if (!turn.running()) {
        return new SettleOutcome(false, 0, turnCost(c, r.tenantId(), r.turnId()));
      }
      List<UsageEvent> recorded = insertEvents(c, r.events());
      SqliteReports.addRollups(c, r.tenantId(), recorded);
      if (r.refund()) {
        addCounters(c, r.tenantId(), turn.userId(), turn.dayKey(), turn.monthKey(), -1);
      }
      List<Object> steps = new ArrayList<>();
      for (int i = 0; i < r.traces().size(); i++) {
        JsonObject step = r.traces().get(i);
        steps.addAll(Arrays.asList(r.tenantId(), r.turnId(), i, step.getString("step", ""), step.encode()));
      }
      Sql.updateRows(c, UsageSql.INSERT_TRACES, r.traces().size(), steps);
      if (r.reply() != null) {
        SqliteSessions.appendAnswer(c, r.tenantId(), r.sessionId(), r.turnId(), settling.questionSeq(), r.reply(), r.status(), r.now());
      }
      // only settlement records a turn's events, and only while it runs: what it recorded now is all the turn has, unless
      // some were repeats of one another
      long cost = recorded.size() == r.events().size() ? recorded.stream().mapToLong(UsageEvent::costNanos).sum()
          : turnCost(c, r.tenantId(), r.turnId());
      UsageTotals totals = UsageTotals.sum(r.events());
      update(c, UsageSql.FINISH_TURN, r.status(), r.now().toEpochMilli(), cost, totals.inputTokens(), totals.outputTokens(), r.tenantId(),
          r.turnId());
      // the stored turn names the key it came with: a settlement (or the recovery of an interrupted turn) charges that key
      List<BudgetAlert> alerts = SqliteBudgets.charge(c, r.tenantId(), turn.userId(), turn.apiKeyId(), turn.monthKey(), cost, settling.held());
      return new SettleOutcome(true, recorded.size(), cost, alerts);
    });
  }

  /** Inserts events, each once; answers those recorded now (an event id recorded before, or twice in the list, once). */
  private static List<UsageEvent> insertEvents(Connection c, List<UsageEvent> events) throws SQLException {
    Map<String, UsageEvent> byId = new LinkedHashMap<>();
    List<Object> rows = new ArrayList<>();
    for (UsageEvent e : events) {
      byId.putIfAbsent(e.eventId(), e);
      rows.addAll(Arrays.asList(e.tenantId(), e.eventId(), e.userId(), e.sessionId(), e.turnId(), e.kind().wire(), e.service(), e.model(),
          e.quantity(), e.costNanos(), e.estimated() ? 1 : 0, MeteringRules.rollupDay(e), e.at().toEpochMilli()));
    }
    List<UsageEvent> recorded = new ArrayList<>();
    for (String id : Sql.queryRows(c, UsageSql.INSERT_EVENTS, events.size(), rows, rs -> rs.getString(1))) {
      recorded.add(byId.get(id));
    }
    return recorded;
  }

  @Override
  public Future<Optional<TurnRecord>> turn(String tenantId, String turnId) {
    return db.read(c -> one(c, UsageSql.TURN, UsageSql::turnRow, tenantId, turnId));
  }

  @Override
  public Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now) {
    return db.read(c -> {
      long[] used = counters(c, tenantId, userId, dayKey, monthKey);
      return new QuotaUsage(used[0], used[1], (int) SqliteSessions.activeSessions(c, tenantId, userId, now));
    });
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
