package io.agentchat.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** API keys of tenants. Every operation names the tenant; a key id is unique within its tenant. */
public interface ApiKeyStore {

  /** Stores a new key, and with {@code monthlyLimitNanos} &gt;= 0 its budget (scope {@link MeteringRules#keyScope}), at once. */
  Future<Void> createKey(ApiKeyRecord key, long monthlyLimitNanos);

  Future<Optional<ApiKeyRecord>> key(String tenantId, String keyId);

  /** The tenant's keys, newest first, revoked ones included. */
  Future<List<ApiKeyRecord>> keys(String tenantId);

  /** Revokes a key; false when the tenant has no such key or it was revoked already. */
  Future<Boolean> revokeKey(String tenantId, String keyId, Instant at);

  /** Records that the key was used at {@code at} (it only moves forward). */
  Future<Void> touchKey(String tenantId, String keyId, Instant at);

  /** This month's spending of each of the tenant's keys that spent anything (key id -&gt; nano-dollars). */
  Future<Map<String, Long>> keySpending(String tenantId, String monthKey);
}
