package io.agentchat.store.sqlite;

import static io.agentchat.store.sqlite.Sql.one;
import static io.agentchat.store.sqlite.Sql.query;
import static io.agentchat.store.sqlite.Sql.queryLong;
import static io.agentchat.store.sqlite.Sql.update;

import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.ApiKeyStore;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.StoreErrors;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys in SQLite; a key's budget and spending are the budget rows of its scope ({@link SqliteBudgets}). */
final class SqliteApiKeys implements ApiKeyStore {
  private final SqliteDb db;

  SqliteApiKeys(SqliteDb db) {
    this.db = db;
  }

  private static Long millis(Instant at) {
    return at == null ? null : at.toEpochMilli();
  }

  @Override
  public Future<Void> createKey(ApiKeyRecord k, long monthlyLimitNanos) {
    return db.write(c -> {
      if (queryLong(c, ApiKeySql.KEY_EXISTS, k.tenantId(), k.keyId()) > 0) {
        throw StoreErrors.keyIdTaken();
      }
      update(c, ApiKeySql.INSERT_KEY, k.tenantId(), k.keyId(), k.name(), k.userId(), k.secretHash(), k.createdBy(), millis(k.createdAt()),
          millis(k.expiresAt()), k.requestsPerMinute(), millis(k.revokedAt()), millis(k.lastUsedAt()));
      if (monthlyLimitNanos >= 0) {
        update(c, BudgetSql.SET, k.tenantId(), MeteringRules.keyScope(k.keyId()), monthlyLimitNanos);
      }
      return null;
    });
  }

  @Override
  public Future<Optional<ApiKeyRecord>> key(String tenantId, String keyId) {
    return db.read(c -> one(c, ApiKeySql.KEY, ApiKeySql::keyRow, tenantId, keyId));
  }

  @Override
  public Future<List<ApiKeyRecord>> keys(String tenantId) {
    return db.read(c -> query(c, ApiKeySql.KEYS, ApiKeySql::keyRow, tenantId));
  }

  @Override
  public Future<Boolean> revokeKey(String tenantId, String keyId, Instant at) {
    return db.write(c -> update(c, ApiKeySql.REVOKE, at.toEpochMilli(), tenantId, keyId) == 1);
  }

  @Override
  public Future<Void> touchKey(String tenantId, String keyId, Instant at) {
    return db.write(c -> {
      update(c, ApiKeySql.TOUCH, at.toEpochMilli(), tenantId, keyId, at.toEpochMilli());
      return null;
    });
  }

  @Override
  public Future<Map<String, Long>> keySpending(String tenantId, String monthKey) {
    return db.read(c -> {
      Map<String, Long> out = new LinkedHashMap<>();
      for (Object[] row : query(c, ApiKeySql.KEY_SPENDING, rs -> new Object[] {rs.getString(1), rs.getLong(2)}, tenantId, monthKey,
          ApiKeySql.SCOPES_FROM, ApiKeySql.SCOPES_TO)) {
        out.put(MeteringRules.keyOfScope((String) row[0]), (Long) row[1]);
      }
      return out;
    });
  }
}
