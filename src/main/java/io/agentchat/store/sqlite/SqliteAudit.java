package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.AuditEntry;
import io.agentchat.store.AuditStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Tenants' audit logs in SQLite, one row per entry (the tenant and entry id its primary key). */
final class SqliteAudit implements AuditStore {
  private final SqliteDb db;

  SqliteAudit(SqliteDb db) {
    this.db = db;
  }

  @Override
  public Future<Void> append(AuditEntry e) {
    return db.write(c -> {
      update(c, AuditSql.INSERT, e.tenantId(), e.entryId(), e.at().toEpochMilli(), e.kind(), e.actorUserId(), e.actorEmail(), e.target(),
          e.clientAddress(), e.detail());
      return null;
    });
  }

  @Override
  public Future<List<AuditEntry>> entries(String tenantId, Instant from, Instant to, String kind, int limit) {
    if (limit <= 0) {
      // SQLite reads a negative LIMIT as none at all
      return Future.succeededFuture(List.of());
    }
    return db.read(c -> kind == null
        ? query(c, AuditSql.ENTRIES, AuditSql::row, tenantId, from.toEpochMilli(), to.toEpochMilli(), limit)
        : query(c, AuditSql.ENTRIES_OF_KIND, AuditSql::row, tenantId, from.toEpochMilli(), to.toEpochMilli(), kind, limit));
  }
}
