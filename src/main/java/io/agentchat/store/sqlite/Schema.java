package io.agentchat.store.sqlite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Versioned schema; each migration runs once, in order, in its own transaction. Times are epoch milliseconds, money nano-dollars. */
final class Schema {
  private Schema() {
  }

  static final List<String> V1 = List.of(
      """
      CREATE TABLE tenants (
        tenant_id TEXT PRIMARY KEY,
        tier TEXT NOT NULL,
        time_zone TEXT NOT NULL DEFAULT 'UTC',
        created_at INTEGER NOT NULL)""",
      """
      CREATE TABLE users (
        tenant_id TEXT NOT NULL REFERENCES tenants(tenant_id),
        user_id TEXT NOT NULL,
        email TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        confirmed INTEGER NOT NULL DEFAULT 0,
        confirm_code TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id))""",
      "CREATE UNIQUE INDEX users_email ON users(email)",
      """
      CREATE TABLE invites (
        tenant_id TEXT NOT NULL REFERENCES tenants(tenant_id),
        code TEXT NOT NULL,
        created_by TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        used_by TEXT,
        used_at INTEGER,
        PRIMARY KEY (tenant_id, code))""",
      """
      CREATE TABLE refresh_tokens (
        token_hash TEXT PRIMARY KEY,
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked INTEGER NOT NULL DEFAULT 0)""",
      """
      CREATE TABLE sessions (
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        tier TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        title TEXT,
        message_count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, session_id))""",
      "CREATE INDEX sessions_user ON sessions(tenant_id, user_id, expires_at)",
      """
      CREATE TABLE messages (
        tenant_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        part INTEGER NOT NULL,
        turn_id TEXT NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, session_id, seq, part))""",
      """
      CREATE TABLE turns (
        tenant_id TEXT NOT NULL,
        turn_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        request_id TEXT,
        status TEXT NOT NULL,
        day_key TEXT NOT NULL,
        month_key TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        finished_at INTEGER,
        PRIMARY KEY (tenant_id, turn_id))""",
      "CREATE UNIQUE INDEX turns_request ON turns(tenant_id, user_id, request_id)",
      "CREATE INDEX turns_running ON turns(status) WHERE status = 'running'",
      """
      CREATE TABLE counters (
        tenant_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        period TEXT NOT NULL,
        used INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id, period))""",
      """
      CREATE TABLE usage_events (
        tenant_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        turn_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        service TEXT NOT NULL,
        model TEXT NOT NULL,
        quantity INTEGER NOT NULL,
        cost_nanos INTEGER NOT NULL,
        estimated INTEGER NOT NULL,
        day TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, event_id))""",
      "CREATE INDEX usage_events_turn ON usage_events(tenant_id, turn_id)",
      """
      CREATE TABLE rollups (
        tenant_id TEXT NOT NULL,
        day TEXT NOT NULL,
        user_id TEXT NOT NULL,
        service TEXT NOT NULL,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL DEFAULT 0,
        output_tokens INTEGER NOT NULL DEFAULT 0,
        invocations INTEGER NOT NULL DEFAULT 0,
        tool_actions INTEGER NOT NULL DEFAULT 0,
        cost_nanos INTEGER NOT NULL DEFAULT 0,
        events INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, day, user_id, service, model))""",
      "CREATE INDEX rollups_user ON rollups(tenant_id, user_id, day)");

  static final List<String> V2 = List.of(
      """
      CREATE TABLE traces (
        tenant_id TEXT NOT NULL,
        turn_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        step TEXT NOT NULL,
        detail TEXT NOT NULL,
        PRIMARY KEY (tenant_id, turn_id, seq))""");

  static final List<String> V3 = List.of(
      "ALTER TABLE turns ADD COLUMN budget_reserved_nanos INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE turns ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE turns ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE turns ADD COLUMN cost_nanos INTEGER NOT NULL DEFAULT 0",
      "CREATE INDEX turns_cost ON turns(tenant_id, created_at, cost_nanos)",
      """
      CREATE TABLE budgets (
        tenant_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        limit_nanos INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, scope))""",
      """
      CREATE TABLE budget_usage (
        tenant_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        month TEXT NOT NULL,
        spent_nanos INTEGER NOT NULL DEFAULT 0,
        reserved_nanos INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (tenant_id, scope, month))""",
      """
      CREATE TABLE budget_alerts (
        tenant_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        month TEXT NOT NULL,
        threshold INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, scope, month, threshold))""");

  /** Refresh tokens know their chain, for reuse detection. */
  static final List<String> V4 = List.of("ALTER TABLE refresh_tokens ADD COLUMN family TEXT",
      "ALTER TABLE refresh_tokens ADD COLUMN spent_at INTEGER");

  /**
   * Fewer index writes per turn: a turn knows where its question stands in the conversation, so that its answer is placed
   * without a search; the report of expensive turns reads turns by time (a settlement changes their cost, which an index
   * on cost would have to follow); only turns with a request id are indexed by it.
   */
  static final List<String> V5 = List.of(
      "ALTER TABLE turns ADD COLUMN question_seq INTEGER",
      "DROP INDEX turns_cost",
      "CREATE INDEX turns_created ON turns(tenant_id, created_at)",
      "DROP INDEX turns_request",
      "CREATE UNIQUE INDEX turns_request ON turns(tenant_id, user_id, request_id) WHERE request_id IS NOT NULL");

  /**
   * API keys of tenants (only a hash of each secret), and the key a turn came with (per-key totals read turns by time, as
   * the report of expensive turns does).
   */
  static final List<String> V6 = List.of(
      """
      CREATE TABLE api_keys (
        tenant_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        name TEXT NOT NULL,
        user_id TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        requests_per_minute INTEGER NOT NULL DEFAULT 0,
        revoked_at INTEGER,
        last_used_at INTEGER,
        PRIMARY KEY (tenant_id, key_id))""",
      "ALTER TABLE turns ADD COLUMN api_key_id TEXT");

  /**
   * Members' removal and revocation: each user's revocation mark (ID tokens issued at or before it are refused), found by
   * time for the nodes that load recent marks; a user's refresh tokens found by user, to revoke them all. Tenants' audit
   * logs, append-only: an entry id is stored once per tenant, entries are read by time.
   */
  static final List<String> V7 = List.of(
      "ALTER TABLE users ADD COLUMN tokens_revoked_before INTEGER",
      "CREATE INDEX users_tokens_revoked ON users(tokens_revoked_before) WHERE tokens_revoked_before IS NOT NULL",
      "CREATE INDEX refresh_tokens_user ON refresh_tokens(tenant_id, user_id)",
      """
      CREATE TABLE audit_log (
        tenant_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        entry_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        actor_user_id TEXT,
        actor_email TEXT,
        target TEXT,
        client_address TEXT,
        detail TEXT,
        PRIMARY KEY (tenant_id, entry_id))""",
      "CREATE INDEX audit_log_at ON audit_log(tenant_id, at)");

  /** A password-reset code per user: its hash and when it expires (single use). */
  static final List<String> V8 = List.of(
      "ALTER TABLE users ADD COLUMN reset_code_hash TEXT",
      "ALTER TABLE users ADD COLUMN reset_expires_at INTEGER");

  /** An organisation a platform operator suspended. */
  static final List<String> V9 = List.of("ALTER TABLE tenants ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0");

  /** When an operator erased the organisation (its usage ledger is all that is left of it). */
  static final List<String> V10 = List.of("ALTER TABLE tenants ADD COLUMN erased_at INTEGER");

  /**
   * Managing conversations: when each session was last used (its latest message; sessions of before take theirs from
   * their messages) and closed by its user; a replaced turn's messages hidden from the conversation.
   */
  static final List<String> V11 = List.of(
      "ALTER TABLE sessions ADD COLUMN last_used_at INTEGER",
      "ALTER TABLE sessions ADD COLUMN closed_at INTEGER",
      """
      UPDATE sessions SET last_used_at = COALESCE((SELECT MAX(m.created_at) FROM messages m
        WHERE m.tenant_id = sessions.tenant_id AND m.session_id = sessions.session_id), created_at)""",
      "CREATE INDEX sessions_last_used ON sessions(tenant_id, user_id, last_used_at)",
      "ALTER TABLE messages ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0");

  /** The name a member chose to be shown by instead of their e-mail address. */
  static final List<String> V12 = List.of("ALTER TABLE users ADD COLUMN display_name TEXT");

  static final List<List<String>> MIGRATIONS = List.of(V1, V2, V3, V4, V5, V6, V7, V8, V9, V10, V11, V12);

  static void migrate(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      int version = 0;
      try (ResultSet rs = st.executeQuery("SELECT MAX(version) FROM schema_version")) {
        if (rs.next()) {
          version = rs.getInt(1);
        }
      }
      c.commit();
      for (int v = version; v < MIGRATIONS.size(); v++) {
        for (String sql : MIGRATIONS.get(v)) {
          st.execute(sql);
        }
        st.execute("INSERT INTO schema_version(version) VALUES (" + (v + 1) + ")");
        c.commit();
      }
    }
  }
}
