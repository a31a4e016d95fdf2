package io.agentchat.store.sqlite;

import io.agentchat.store.ApiKeyStore;
import io.agentchat.store.AuditStore;
import io.agentchat.store.StoreConfig;
import io.agentchat.store.BudgetStore;
import io.agentchat.store.IdentityStore;
import io.agentchat.store.ReportStore;
import io.agentchat.store.SessionStore;
import io.agentchat.store.Store;
import io.agentchat.store.UsageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The embedded store: one SQLite file ({@link SqliteDb}), one class per capability. Time is judged only by the {@code now}
 * each request carries, so it needs no clock.
 */
public record SqliteStore(IdentityStore identity, SessionStore sessions, UsageStore usage, BudgetStore budgets, ReportStore reports,
                          ApiKeyStore apiKeys, AuditStore audit, SqliteDb db) implements Store {

  private SqliteStore(SqliteDb db) {
    this(new SqliteIdentity(db), new SqliteSessions(db), new SqliteUsage(db), new SqliteBudgets(db), new SqliteReports(db), new SqliteApiKeys(db),
        new SqliteAudit(db), db);
  }

  /** Opens (creating and migrating when needed) the database; blocking, so it runs on a worker thread. */
  public static Future<Store> open(Vertx vertx, StoreConfig config) {
    return vertx.executeBlocking(() -> new SqliteStore(SqliteDb.open(vertx, config)));
  }

  @Override
  public Future<Void> ping() {
    return db.read(c -> {
      Sql.queryLong(c, "SELECT 1");
      return null;
    });
  }

  /** Commits and writes counted since start (for metrics and benchmarks). */
  public long commits() {
    return db.commits();
  }

  public long writes() {
    return db.writes();
  }

  @Override
  public Future<Void> close() {
    return db.close();
  }
}
