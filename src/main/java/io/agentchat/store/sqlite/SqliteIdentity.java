package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.one;
import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.queryLong;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.IdentityStore;
import io.agentchat.store.InviteRecord;
import io.agentchat.store.RefreshRecord;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.TokenMark;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tenants, users, invites, refresh tokens and revocation marks in SQLite. E-mail addresses are unique by index; each
 * sign-up is one write, and so is a member's removal (role, mark and refresh tokens).
 */
final class SqliteIdentity implements IdentityStore {
  private final SqliteDb db;

  SqliteIdentity(SqliteDb db) {
    this.db = db;
  }

  private static void requireFreeEmail(Connection c, String email) throws SQLException {
    if (queryLong(c, IdentitySql.EMAIL_TAKEN, email) > 0) {
      throw StoreErrors.userExists();
    }
  }

  private static void insertUser(Connection c, UserRecord u) throws SQLException {
    update(c, IdentitySql.INSERT_USER, u.tenantId(), u.userId(), u.email(), u.passwordHash(), u.role(), u.confirmed() ? 1 : 0,
        u.confirmCode(), u.createdAt().toEpochMilli());
  }

  private static void insertRefresh(Connection c, RefreshRecord t) throws SQLException {
    update(c, IdentitySql.INSERT_REFRESH, t.tokenHash(), t.tenantId(), t.userId(), t.expiresAt().toEpochMilli(), t.family());
  }

  @Override
  public Future<UserRecord> createTenantWithAdmin(TenantRecord tenant, UserRecord admin) {
    return db.write(c -> {
      if (queryLong(c, IdentitySql.TENANT_EXISTS, tenant.tenantId()) > 0) {
        throw StoreErrors.tenantExists(tenant.tenantId());
      }
      requireFreeEmail(c, admin.email());
      update(c, IdentitySql.INSERT_TENANT, tenant.tenantId(), tenant.tier(), tenant.timeZone(), tenant.createdAt().toEpochMilli());
      insertUser(c, admin);
      return admin;
    });
  }

  @Override
  public Future<UserRecord> joinTenant(String tenantId, String inviteCode, UserRecord user, Instant now) {
    return db.write(c -> {
      requireFreeEmail(c, user.email());
      if (update(c, IdentitySql.USE_INVITE, user.userId(), now.toEpochMilli(), tenantId, inviteCode, now.toEpochMilli()) != 1) {
        throw StoreErrors.invalidInvite(tenantId);
      }
      insertUser(c, user);
      return user;
    });
  }

  @Override
  public Future<Optional<TenantRecord>> tenant(String tenantId) {
    return db.read(c -> one(c, IdentitySql.TENANT,
        SqliteIdentity::tenantRow, tenantId));
  }

  @Override
  public Future<Optional<UserRecord>> user(String tenantId, String userId) {
    return db.read(c -> one(c, IdentitySql.USER, IdentitySql::userRow, tenantId, userId));
  }

  @Override
  public Future<Optional<UserRecord>> userByEmail(String email) {
    return db.read(c -> one(c, IdentitySql.USER_BY_EMAIL, IdentitySql::userRow, email));
  }

  @Override
  public Future<Boolean> confirmUser(String tenantId, String userId) {
    return db.write(c -> update(c, IdentitySql.CONFIRM_USER, tenantId, userId) == 1);
  }

  @Override
  public Future<Boolean> removeUnconfirmed(UserRecord user, Instant madeBefore) {
    return db.write(c -> {
      if (update(c, IdentitySql.DELETE_UNCONFIRMED, user.tenantId(), user.userId(), madeBefore.toEpochMilli()) != 1) {
        return false;
      }
      if (queryLong(c, IdentitySql.USER_COUNT, user.tenantId()) == 0) {
        update(c, IdentitySql.DELETE_INVITES, user.tenantId());
        update(c, IdentitySql.DELETE_TENANT, user.tenantId());
      }
      return true;
    });
  }

  @Override
  public Future<Void> createInvite(String tenantId, String code, String createdBy, Instant expiresAt) {
    return db.write(c -> {
      update(c, IdentitySql.INSERT_INVITE, tenantId, code, createdBy, expiresAt.toEpochMilli());
      return null;
    });
  }

  @Override
  public Future<Void> saveRefreshToken(RefreshRecord token) {
    return db.write(c -> {
      insertRefresh(c, token);
      return null;
    });
  }

  @Override
  public Future<Optional<RefreshRecord>> rotateRefreshToken(String oldHash, RefreshRecord replacement, Instant now) {
    return db.write(c -> {
      Optional<RefreshRecord> old = one(c, IdentitySql.LIVE_REFRESH, IdentitySql::refreshRow, oldHash, now.toEpochMilli());
      if (old.isEmpty()) {
        Optional<RefreshRecord> spent = one(c, IdentitySql.SPENT_REFRESH, IdentitySql::refreshRow, oldHash,
            now.minus(REFRESH_REUSE_GRACE).toEpochMilli());
        if (spent.isPresent()) {
          update(c, IdentitySql.REVOKE_FAMILY, spent.get().family(), spent.get().family());
        }
        return Optional.<RefreshRecord>empty();
      }
      update(c, IdentitySql.REVOKE_REFRESH, now.toEpochMilli(), oldHash);
      RefreshRecord next = replacement.next(old.get());
      insertRefresh(c, next);
      return Optional.of(next);
    });
  }

  @Override
  public Future<List<UserRecord>> users(String tenantId) {
    return db.read(c -> query(c, IdentitySql.USERS, IdentitySql::userRow, tenantId));
  }

  @Override
  public Future<UserRecord> addServiceAccount(UserRecord account) {
    UserRecord u = serviceAccount(account);
    return db.write(c -> {
      if (queryLong(c, IdentitySql.USER_EXISTS, u.tenantId(), u.userId()) > 0) {
        throw StoreErrors.userExists();
      }
      requireFreeEmail(c, u.email());
      insertUser(c, u);
      return u;
    });
  }

  /** A service account as stored: role service, confirmed, no confirmation code. */
  private static UserRecord serviceAccount(UserRecord a) {
    return new UserRecord(a.tenantId(), a.userId(), a.email(), a.passwordHash(), UserRecord.SERVICE, true, null, a.createdAt());
  }

  @Override
  public Future<Boolean> setDisplayName(String tenantId, String userId, String displayName) {
    return db.write(c -> update(c, IdentitySql.SET_DISPLAY_NAME, displayName, tenantId, userId) == 1);
  }

  @Override
  public Future<Optional<String>> displayName(String tenantId, String userId) {
    return db.read(c -> one(c, IdentitySql.DISPLAY_NAME, rs -> rs.getString(1), tenantId, userId));
  }

  @Override
  public Future<java.util.Map<String, String>> displayNames(String tenantId) {
    return db.read(c -> query(c, IdentitySql.DISPLAY_NAMES, rs -> java.util.Map.entry(rs.getString(1), rs.getString(2)), tenantId).stream()
        .collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
  }

  /** A removed member's role stays removed. */
  @Override
  public Future<Boolean> setRole(String tenantId, String userId, String role) {
    return db.write(c -> update(c, IdentitySql.SET_ROLE, role, tenantId, userId) == 1);
  }

  @Override
  public Future<List<InviteRecord>> invites(String tenantId) {
    return db.read(c -> query(c, IdentitySql.INVITES, rs -> new InviteRecord(tenantId, rs.getString(1), rs.getString(2),
        Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4), rs.getObject(5) == null ? null : Instant.ofEpochMilli(rs.getLong(5))), tenantId));
  }

  @Override
  public Future<Boolean> revokeInvite(String tenantId, String code) {
    return db.write(c -> update(c, IdentitySql.REVOKE_INVITE, tenantId, code) == 1);
  }

  @Override
  public Future<List<TenantRecord>> tenants() {
    return db.read(c -> query(c, IdentitySql.TENANTS, SqliteIdentity::tenantRow));
  }

  private static TenantRecord tenantRow(java.sql.ResultSet rs) throws java.sql.SQLException {
    return new TenantRecord(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)), rs.getInt(5) == 1,
        rs.getObject(6) == null ? null : Instant.ofEpochMilli(rs.getLong(6)));
  }

  /** One write: the conversations, invites and members' identities gone, the ledger kept. */
  @Override
  public Future<Boolean> eraseOrganisation(String tenantId, Instant at) {
    return db.write(c -> {
      if (update(c, IdentitySql.ERASE_TENANT, at.toEpochMilli(), tenantId) != 1) {
        return false;
      }
      for (String sql : IdentitySql.ERASE) {
        update(c, sql, tenantId);
      }
      update(c, IdentitySql.ERASE_USERS, at.toEpochMilli(), tenantId);
      update(c, IdentitySql.ERASE_KEYS, at.toEpochMilli(), tenantId);
      return true;
    });
  }

  @Override
  public Future<Boolean> setPlan(String tenantId, String tier) {
    return db.write(c -> update(c, IdentitySql.SET_PLAN, tier, tenantId) == 1);
  }

  @Override
  public Future<Boolean> setSuspended(String tenantId, boolean suspended) {
    return db.write(c -> update(c, IdentitySql.SET_SUSPENDED, suspended ? 1 : 0, tenantId) == 1);
  }

  @Override
  public Future<Boolean> setPassword(String tenantId, String userId, String passwordHash) {
    return db.write(c -> update(c, IdentitySql.SET_PASSWORD, passwordHash, tenantId, userId) == 1);
  }

  @Override
  public Future<Void> saveResetCode(String tenantId, String userId, String codeHash, Instant expiresAt) {
    return db.write(c -> {
      update(c, IdentitySql.SAVE_RESET_CODE, codeHash, expiresAt.toEpochMilli(), tenantId, userId);
      return null;
    });
  }

  @Override
  public Future<Boolean> takeResetCode(String tenantId, String userId, String codeHash, Instant now) {
    return db.write(c -> update(c, IdentitySql.TAKE_RESET_CODE, tenantId, userId, codeHash, now.toEpochMilli()) == 1);
  }

  /** The role, the mark and the refresh tokens in one write. */
  @Override
  public Future<Boolean> removeMember(String tenantId, String userId, Instant at) {
    return db.write(c -> {
      if (update(c, IdentitySql.REMOVE_MEMBER, tenantId, userId) != 1) {
        return false;
      }
      revoke(c, tenantId, userId, at, true);
      return true;
    });
  }

  @Override
  public Future<Void> revokeTokens(String tenantId, String userId, Instant at, boolean refreshTokensToo) {
    return db.write(c -> {
      revoke(c, tenantId, userId, at, refreshTokensToo);
      return null;
    });
  }

  private static void revoke(Connection c, String tenantId, String userId, Instant at, boolean refreshTokensToo) throws SQLException {
    update(c, IdentitySql.MOVE_MARK, at.toEpochMilli(), tenantId, userId, at.toEpochMilli());
    if (refreshTokensToo) {
      update(c, IdentitySql.REVOKE_USER_REFRESH, tenantId, userId);
    }
  }

  @Override
  public Future<List<TokenMark>> tokenMarks(Instant since) {
    return db.read(c -> query(c, IdentitySql.MARKS, rs -> new TokenMark(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))),
        since.toEpochMilli()));
  }
}
