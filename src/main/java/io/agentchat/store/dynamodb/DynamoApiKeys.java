package io.agentchat.store.dynamodb;

import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.ApiKeyStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class DynamoApiKeys extends DynamoPart implements ApiKeyStore {
  DynamoApiKeys(DynamoPart base) {
    super(base);
  }

  private static <T> Future<T> notYet() {
    return Future.failedFuture(new UnsupportedOperationException("API keys"));
  }

  @Override
  public Future<Void> createKey(ApiKeyRecord key, long monthlyLimitNanos) {
    return notYet();
  }

  @Override
  public Future<Optional<ApiKeyRecord>> key(String tenantId, String keyId) {
    return notYet();
  }

  @Override
  public Future<List<ApiKeyRecord>> keys(String tenantId) {
    return notYet();
  }

  @Override
  public Future<Boolean> revokeKey(String tenantId, String keyId, Instant at) {
    return notYet();
  }

  @Override
  public Future<Void> touchKey(String tenantId, String keyId, Instant at) {
    return notYet();
  }

  @Override
  public Future<Map<String, Long>> keySpending(String tenantId, String monthKey) {
    return notYet();
  }
}
