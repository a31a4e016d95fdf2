package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.instant;

import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.MeteringRules;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The SQL of API keys and of their spending. */
final class ApiKeySql {
  private ApiKeySql() {
  }

  static final String KEY_COLS = """
      tenant_id, key_id, name, user_id, secret_hash, created_by, created_at, expires_at, requests_per_minute, revoked_at,
      last_used_at""";

  static ApiKeyRecord keyRow(ResultSet rs) throws SQLException {
    return new ApiKeyRecord(rs.getString("tenant_id"), rs.getString("key_id"), rs.getString("name"), rs.getString("user_id"),
        rs.getString("secret_hash"), rs.getString("created_by"), instant(rs, "created_at"), instant(rs, "expires_at"),
        rs.getInt("requests_per_minute"), instant(rs, "revoked_at"), instant(rs, "last_used_at"));
  }

  static final String KEY_EXISTS = "SELECT COUNT(*) FROM api_keys WHERE tenant_id = ? AND key_id = ?";

  static final String INSERT_KEY = "INSERT INTO api_keys(" + KEY_COLS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)";

  static final String KEY = "SELECT " + KEY_COLS + " FROM api_keys WHERE tenant_id = ? AND key_id = ?";

  static final String KEYS = "SELECT " + KEY_COLS + " FROM api_keys WHERE tenant_id = ? ORDER BY created_at DESC, key_id DESC";

  /** Revokes a key not revoked yet: parameters at, tenant, key. */
  static final String REVOKE = "UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ? AND key_id = ? AND revoked_at IS NULL";

  /** Moves the last use forward only: parameters at, tenant, key, at. */
  static final String TOUCH = """
      UPDATE api_keys SET last_used_at = ?
      WHERE tenant_id = ? AND key_id = ? AND (last_used_at IS NULL OR last_used_at < ?)""";

  /**
   * A month's spending of the tenant's key scopes that spent anything: parameters tenant, month, then the range of key scopes
   * ({@link #SCOPES_FROM} inclusive, {@link #SCOPES_TO} exclusive, so that the primary key's order finds them).
   */
  static final String KEY_SPENDING = """
      SELECT scope, spent_nanos FROM budget_usage
      WHERE tenant_id = ? AND month = ? AND scope >= ? AND scope < ? AND spent_nanos > 0""";

  static final String SCOPES_FROM = MeteringRules.KEY_SCOPE_PREFIX;

  /** The first text after every text that starts with the key scope prefix. */
  static final String SCOPES_TO = SCOPES_FROM.substring(0, SCOPES_FROM.length() - 1) + (char) (SCOPES_FROM.charAt(SCOPES_FROM.length() - 1) + 1);
}
