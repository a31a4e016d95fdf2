package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.ApiKeyStore;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.StoreErrors;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * API keys in the tenant's partition of the identity table ({@code <t>} / {@code APIKEY#<key>}, beside its users and
 * invites); a key id is taken by a conditional put. A key's budget and monthly spending are the budget and spend items of
 * its scope ({@code key:<key>}) in the tenant's budget partition ({@link DynamoBudgets}).
 */
final class DynamoApiKeys extends DynamoPart implements ApiKeyStore {
  DynamoApiKeys(DynamoPart base) {
    super(base);
  }

  private static Item keyItem(ApiKeyRecord k, String w) {
    return Keys.apiKey(k.tenantId(), k.keyId()).s("tenant_id", k.tenantId()).s("key_id", k.keyId()).s("name", k.name()).s("user_id", k.userId())
        .s("secret_hash", k.secretHash()).s("created_by", k.createdBy()).n("created_at", k.createdAt()).n("expires_at", k.expiresAt())
        .n("requests_per_minute", k.requestsPerMinute()).n("revoked_at", k.revokedAt()).n("last_used_at", k.lastUsedAt()).s("w", w);
  }

  private static ApiKeyRecord toKey(Map<String, AttributeValue> i) {
    return new ApiKeyRecord(str(i, "tenant_id"), str(i, "key_id"), str(i, "name"), str(i, "user_id"), str(i, "secret_hash"),
        str(i, "created_by"), time(i, "created_at"), time(i, "expires_at"), (int) num(i, "requests_per_minute"), time(i, "revoked_at"),
        time(i, "last_used_at"));
  }

  /**
   * The budget first, then the key: a creation that stops between the two leaves a budget of a key that does not exist
   * (harmless), never a key without the limit it was given. A key id already in use is refused before its budget is
   * touched; key ids are drawn at random, so two creations of one id at once are not expected (one key wins, and its
   * budget is the last written).
   */
  @Override
  public Future<Void> createKey(ApiKeyRecord k, long monthlyLimitNanos) {
    String w = Claims.token();
    Future<Void> budget = monthlyLimitNanos < 0 ? Future.succeededFuture()
        : d.get(identity, Keys.apiKey(k.tenantId(), k.keyId())).compose(existing -> {
          if (existing.isPresent()) {
            return Future.failedFuture(StoreErrors.keyIdTaken());
          }
          String scope = MeteringRules.keyScope(k.keyId());
          return d.put(usage, Keys.budget(k.tenantId(), scope).s("tenant_id", k.tenantId()).s("scope", scope).n("limit_nanos", monthlyLimitNanos));
        });
    return budget.compose(v -> d.putNew(identity, keyItem(k, w)))
        .compose(created -> created ? Future.succeededFuture() : Future.failedFuture(StoreErrors.keyIdTaken()));
  }

  @Override
  public Future<Optional<ApiKeyRecord>> key(String tenantId, String keyId) {
    return d.get(identity, Keys.apiKey(tenantId, keyId)).map(o -> o.map(DynamoApiKeys::toKey));
  }

  @Override
  public Future<List<ApiKeyRecord>> keys(String tenantId) {
    return d.prefix(identity, Keys.tenant(tenantId), Keys.API_KEY).map(items -> items.stream().map(DynamoApiKeys::toKey)
        .sorted(Comparator.comparing(ApiKeyRecord::createdAt).thenComparing(ApiKeyRecord::keyId).reversed()).toList());
  }

  /** A conditional update, so once; an attempt whose answer was lost recognises its own revocation by its token. */
  @Override
  public Future<Boolean> revokeKey(String tenantId, String keyId, Instant at) {
    String w = Claims.token();
    Item key = Keys.apiKey(tenantId, keyId);
    return d.update(identity, key, "SET #revoked_at = :at, #revoked_w = :w", "attribute_exists(#pk) AND attribute_not_exists(#revoked_at)",
            vals(":at", at.toEpochMilli(), ":w", w), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(identity, key).map(o -> o.isPresent() && w.equals(str(o.get(), "revoked_w")))
            : Future.failedFuture(t));
  }

  @Override
  public Future<Void> touchKey(String tenantId, String keyId, Instant at) {
    return d.update(identity, Keys.apiKey(tenantId, keyId), "SET #last_used_at = :at",
            "attribute_exists(#pk) AND (attribute_not_exists(#last_used_at) OR #last_used_at < :at)", vals(":at", at.toEpochMilli()), true)
        .<Void>mapEmpty()
        .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t));
  }

  /** The month's spend items of the key scopes: one Query of the tenant's budget partition. */
  @Override
  public Future<Map<String, Long>> keySpending(String tenantId, String monthKey) {
    return d.prefix(usage, Keys.budgetPk(tenantId), Keys.spendPrefix(monthKey, MeteringRules.KEY_SCOPE_PREFIX)).map(items -> {
      Map<String, Long> out = new TreeMap<>();
      for (Map<String, AttributeValue> i : items) {
        String keyId = MeteringRules.keyOfScope(str(i, "scope"));
        if (keyId != null && num(i, "spent_nanos") > 0) {
          out.put(keyId, num(i, "spent_nanos"));
        }
      }
      return out;
    });
  }
}
