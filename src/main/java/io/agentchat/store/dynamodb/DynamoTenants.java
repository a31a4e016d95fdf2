package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.InviteRecord;
import io.agentchat.store.TenantRecord;
import io.vertx.core.Future;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Organisations' own records (plan, suspension; listed for operators) and their invites, in the identity table. */
final class DynamoTenants extends DynamoPart {
  private final DynamoErasure erasure;

  DynamoTenants(DynamoPart base, DynamoMarks marks) {
    super(base);
    this.erasure = new DynamoErasure(base, marks);
  }

  /** Erases an organisation ({@link DynamoErasure}). */
  Future<Boolean> erase(String tenantId, java.time.Instant at) {
    return erasure.erase(tenantId, at);
  }

  Future<Optional<TenantRecord>> tenant(String tenantId) {
    return d.get(identity, Keys.tenantItem(tenantId)).map(o -> o.map(DynamoTenants::toTenant));
  }

  Future<List<TenantRecord>> all() {
    return d.scanSortKey(identity, "TENANT").map(items -> items.stream().map(DynamoTenants::toTenant)
        .sorted(Comparator.comparing(TenantRecord::createdAt)).toList());
  }

  private static TenantRecord toTenant(Map<String, AttributeValue> i) {
    return new TenantRecord(str(i, "tenant_id"), str(i, "tier"), str(i, "time_zone"), time(i, "created_at"),
        i.containsKey("suspended") && Boolean.TRUE.equals(i.get("suspended").bool()), time(i, "erased_at"));
  }

  Future<Boolean> setPlan(String tenantId, String tier) {
    return d.update(identity, Keys.tenantItem(tenantId), "SET #tier = :t", "attribute_exists(#pk)", vals(":t", tier), true)
        .map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  Future<Boolean> setSuspended(String tenantId, boolean suspended) {
    return d.update(identity, Keys.tenantItem(tenantId), "SET #suspended = :s", "attribute_exists(#pk)", vals(":s", suspended), true)
        .map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  Future<List<InviteRecord>> invites(String tenantId) {
    return d.prefix(identity, Keys.tenant(tenantId), "INVITE#").map(items -> items.stream()
        .map(i -> new InviteRecord(tenantId, str(i, "code"), str(i, "created_by"), time(i, "expires_at"), str(i, "used_by"),
            i.containsKey("used_at") ? time(i, "used_at") : null))
        .sorted(Comparator.comparing(InviteRecord::expiresAt).reversed()).toList());
  }

  /** A conditional delete: an invite in use (its joiner's claim under way or done) is never taken away. */
  Future<Boolean> revokeInvite(String tenantId, String code) {
    return d.deleteIf(identity, Keys.invite(tenantId, code), "attribute_exists(#pk) AND attribute_not_exists(#used_by)", null);
  }
}
