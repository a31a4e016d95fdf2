package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.instant;

import io.agentchat.store.RefreshRecord;
import io.agentchat.store.UserRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** The SQL of tenants, users, invites and refresh tokens. */
final class IdentitySql {
  private IdentitySql() {
  }

  static final String USER_COLS = "tenant_id, user_id, email, password_hash, role, confirmed, confirm_code, created_at";

  static UserRecord userRow(ResultSet rs) throws SQLException {
    return new UserRecord(rs.getString("tenant_id"), rs.getString("user_id"), rs.getString("email"), rs.getString("password_hash"),
        rs.getString("role"), rs.getInt("confirmed") == 1, rs.getString("confirm_code"), instant(rs, "created_at"));
  }

  static RefreshRecord refreshRow(ResultSet rs) throws SQLException {
    String family = rs.getString(5);
    return new RefreshRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
        family == null ? rs.getString(1) : family);
  }

  static final String TENANT_EXISTS = "SELECT COUNT(*) FROM tenants WHERE tenant_id = ?";

  static final String EMAIL_TAKEN = "SELECT COUNT(*) FROM users WHERE email = ?";

  static final String INSERT_TENANT = """
      INSERT INTO tenants(tenant_id, tier, time_zone, created_at)
      VALUES (?,?,?,?)""";

  static final String TENANT = """
      SELECT tenant_id, tier, time_zone, created_at, suspended, erased_at FROM tenants
      WHERE tenant_id = ?""";

  /** The statements of erasing an organisation, each with the tenant id as its last parameter. */
  static final java.util.List<String> ERASE = java.util.List.of(
      "DELETE FROM messages WHERE tenant_id = ?",
      "DELETE FROM sessions WHERE tenant_id = ?",
      "DELETE FROM traces WHERE tenant_id = ?",
      "DELETE FROM invites WHERE tenant_id = ?",
      "UPDATE refresh_tokens SET revoked = 1 WHERE tenant_id = ?");

  /** Parameters at (ms), tenant. */
  static final String ERASE_USERS = """
      UPDATE users SET email = user_id || '@erased.invalid', password_hash = '', role = 'removed', confirm_code = NULL, display_name = NULL,
        reset_code_hash = NULL, reset_expires_at = NULL, tokens_revoked_before = MAX(COALESCE(tokens_revoked_before, 0), ?)
      WHERE tenant_id = ?""";

  /** Parameters at (ms), tenant. */
  static final String ERASE_KEYS = "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ?";

  /** Parameters at (ms), tenant. */
  static final String ERASE_TENANT = "UPDATE tenants SET suspended = 1, erased_at = ? WHERE tenant_id = ? AND erased_at IS NULL";

  static final String TENANTS = "SELECT tenant_id, tier, time_zone, created_at, suspended, erased_at FROM tenants ORDER BY created_at";

  static final String SET_PLAN = "UPDATE tenants SET tier = ? WHERE tenant_id = ?";

  static final String SET_SUSPENDED = "UPDATE tenants SET suspended = ? WHERE tenant_id = ?";

  static final String INSERT_USER = "INSERT INTO users(" + USER_COLS + ") VALUES (?,?,?,?,?,?,?,?)";

  static final String USER = "SELECT " + USER_COLS + " FROM users WHERE tenant_id = ? AND user_id = ?";

  static final String USER_EXISTS = "SELECT COUNT(*) FROM users WHERE tenant_id = ? AND user_id = ?";

  static final String USER_BY_EMAIL = "SELECT " + USER_COLS + " FROM users WHERE email = ?";

  static final String USERS = "SELECT " + USER_COLS + " FROM users WHERE tenant_id = ? ORDER BY created_at";

  static final String CONFIRM_USER = """
      UPDATE users SET confirmed = 1, confirm_code = NULL
      WHERE tenant_id = ? AND user_id = ?""";

  /** An unconfirmed user made before a time: parameters tenant, user, before. */
  static final String DELETE_UNCONFIRMED = "DELETE FROM users WHERE tenant_id = ? AND user_id = ? AND confirmed = 0 AND created_at < ?";

  static final String USER_COUNT = "SELECT COUNT(*) FROM users WHERE tenant_id = ?";

  static final String DELETE_INVITES = "DELETE FROM invites WHERE tenant_id = ?";

  static final String DELETE_TENANT = "DELETE FROM tenants WHERE tenant_id = ?";

  /** Changes the role of a user who was not removed: parameters role, tenant, user. */
  static final String SET_DISPLAY_NAME = "UPDATE users SET display_name = ? WHERE tenant_id = ? AND user_id = ? AND role <> '"
      + UserRecord.REMOVED + "'";

  static final String DISPLAY_NAME = "SELECT display_name FROM users WHERE tenant_id = ? AND user_id = ? AND display_name IS NOT NULL";

  static final String DISPLAY_NAMES = "SELECT user_id, display_name FROM users WHERE tenant_id = ? AND display_name IS NOT NULL";

  static final String SET_ROLE = "UPDATE users SET role = ? WHERE tenant_id = ? AND user_id = ? AND role <> '" + UserRecord.REMOVED + "'";

  /** Removes a member not removed yet: parameters tenant, user. */
  static final String REMOVE_MEMBER = "UPDATE users SET role = '" + UserRecord.REMOVED + "' WHERE tenant_id = ? AND user_id = ? AND role <> '"
      + UserRecord.REMOVED + "'";

  /** Moves a user's revocation mark forward only: parameters at, tenant, user, at. */
  static final String MOVE_MARK = """
      UPDATE users SET tokens_revoked_before = ?
      WHERE tenant_id = ? AND user_id = ? AND (tokens_revoked_before IS NULL OR tokens_revoked_before < ?)""";

  /** Every user's mark at or after a time: parameter since. */
  static final String MARKS = """
      SELECT tenant_id, user_id, tokens_revoked_before FROM users
      WHERE tokens_revoked_before IS NOT NULL AND tokens_revoked_before >= ?
      ORDER BY tokens_revoked_before, tenant_id, user_id""";

  /** Revokes every live refresh token of a user: parameters tenant, user (spent ones keep their spending, for reuse detection). */
  static final String REVOKE_USER_REFRESH = "UPDATE refresh_tokens SET revoked = 1 WHERE tenant_id = ? AND user_id = ? AND revoked = 0";

  static final String SET_PASSWORD = "UPDATE users SET password_hash = ? WHERE tenant_id = ? AND user_id = ? AND role <> '"
      + UserRecord.REMOVED + "'";

  static final String SAVE_RESET_CODE = "UPDATE users SET reset_code_hash = ?, reset_expires_at = ? WHERE tenant_id = ? AND user_id = ?";

  /** Takes the code once: parameters tenant, user, code hash, now. */
  static final String TAKE_RESET_CODE = """
      UPDATE users SET reset_code_hash = NULL, reset_expires_at = NULL
      WHERE tenant_id = ? AND user_id = ? AND reset_code_hash = ? AND reset_expires_at > ?""";

  static final String INSERT_INVITE = """
      INSERT INTO invites(tenant_id, code, created_by, expires_at)
      VALUES (?,?,?,?)""";

  static final String INVITES = """
      SELECT code, created_by, expires_at, used_by, used_at FROM invites WHERE tenant_id = ? ORDER BY expires_at DESC""";

  static final String REVOKE_INVITE = "DELETE FROM invites WHERE tenant_id = ? AND code = ? AND used_by IS NULL";

  /** Takes an unused, unexpired invite: parameters user, now, tenant, code, now. */
  static final String USE_INVITE = """
      UPDATE invites SET used_by = ?, used_at = ?
      WHERE tenant_id = ? AND code = ? AND used_by IS NULL AND expires_at > ?""";

  static final String INSERT_REFRESH = """
      INSERT INTO refresh_tokens(token_hash, tenant_id, user_id, expires_at, family)
      VALUES (?,?,?,?,?)""";

  static final String LIVE_REFRESH = """
      SELECT token_hash, tenant_id, user_id, expires_at, family FROM refresh_tokens
      WHERE token_hash = ? AND revoked = 0 AND expires_at > ?""";

  /** A token spent by its rotation before {@code ?} (the grace of concurrent duplicates past): its presence again means reuse. */
  static final String SPENT_REFRESH = """
      SELECT token_hash, tenant_id, user_id, expires_at, family FROM refresh_tokens
      WHERE token_hash = ? AND revoked = 1 AND spent_at IS NOT NULL AND spent_at < ?""";

  /** Revokes a whole chain: parameters family, family (tokens stored before chains were kept are their own family). */
  static final String REVOKE_FAMILY = "UPDATE refresh_tokens SET revoked = 1 WHERE family = ? OR (family IS NULL AND token_hash = ?)";

  /** Spends a token by its rotation: parameters now, hash. */
  static final String REVOKE_REFRESH = "UPDATE refresh_tokens SET revoked = 1, spent_at = ? WHERE token_hash = ?";
}
