package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.instant;

import io.agentchat.store.AuditEntry;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL of tenants' audit logs: inserts that keep the first of an entry id, reads by time. Nothing updates or deletes. */
final class AuditSql {
  private AuditSql() {
  }

  static final String COLS = "tenant_id, entry_id, at, kind, actor_user_id, actor_email, target, client_address, detail";

  static AuditEntry row(ResultSet rs) throws SQLException {
    return new AuditEntry(rs.getString("tenant_id"), rs.getString("entry_id"), instant(rs, "at"), rs.getString("kind"),
        rs.getString("actor_user_id"), rs.getString("actor_email"), rs.getString("target"), rs.getString("client_address"),
        rs.getString("detail"));
  }

  /** An entry id appended before is not appended again. */
  static final String INSERT = "INSERT INTO audit_log(" + COLS + ") VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING";

  /** A tenant's entries in [from, to), newest first: parameters tenant, from, to, limit. */
  static final String ENTRIES = "SELECT " + COLS + " FROM audit_log WHERE tenant_id = ? AND at >= ? AND at < ? "
      + "ORDER BY at DESC, entry_id DESC LIMIT ?";

  /** As {@link #ENTRIES}, of one kind: parameters tenant, from, to, kind, limit. */
  static final String ENTRIES_OF_KIND = "SELECT " + COLS + " FROM audit_log WHERE tenant_id = ? AND at >= ? AND at < ? AND kind = ? "
      + "ORDER BY at DESC, entry_id DESC LIMIT ?";
}
