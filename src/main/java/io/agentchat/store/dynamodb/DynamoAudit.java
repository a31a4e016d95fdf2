package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;

import io.agentchat.store.AuditEntry;
import io.agentchat.store.AuditStore;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Tenants' audit logs in the identity table, one partition per tenant ({@code <t>#A}): each entry is an item found by time
 * ({@code AT#<at ms, 13 digits>#<entry id>}) beside the claim of its id ({@code ID#<entry id>}, holding the entry the
 * first append of the id brought). Both are put only where nothing is (never overwritten, never deleted), so an entry id
 * is stored once however often, however concurrently, and at whatever time it is appended again.
 */
final class DynamoAudit extends DynamoPart implements AuditStore {
  /** Times beyond what 13 digits of milliseconds hold (the year 2286) are read as its end. */
  private static final long MAX_MS = 9_999_999_999_999L;

  DynamoAudit(DynamoPart base) {
    super(base);
  }

  private static Item attributes(Item key, AuditEntry e) {
    return key.s("tenant_id", e.tenantId()).s("entry_id", e.entryId()).n("at", e.at()).s("kind", e.kind()).s("actor_user_id", e.actorUserId())
        .s("actor_email", e.actorEmail()).s("target", e.target()).s("client_address", e.clientAddress()).s("detail", e.detail());
  }

  private static AuditEntry toEntry(Map<String, AttributeValue> i) {
    return new AuditEntry(str(i, "tenant_id"), str(i, "entry_id"), time(i, "at"), str(i, "kind"), str(i, "actor_user_id"), str(i, "actor_email"),
        str(i, "target"), str(i, "client_address"), str(i, "detail"));
  }

  /**
   * Claims the entry id, then puts the entry that holds the claim: this append's when its claim is new, else the first
   * append's, read back from the claim (so an append that stopped between the two is completed by the next of its id).
   */
  @Override
  public Future<Void> append(AuditEntry e) {
    return d.putNew(identity, attributes(Keys.auditClaim(e.tenantId(), e.entryId()), e).s("w", Claims.token()))
        .compose(created -> created ? Future.succeededFuture(e)
            : d.get(identity, Keys.auditClaim(e.tenantId(), e.entryId())).map(claim -> claim.map(DynamoAudit::toEntry).orElse(e)))
        .compose(first -> d.putOnce(identity, attributes(Keys.auditEntry(first.tenantId(), first.at().toEpochMilli(), first.entryId()), first)));
  }

  /** One Query of the tenant's partition by the range of times, newest first, filtered by kind, until the limit. */
  @Override
  public Future<List<AuditEntry>> entries(String tenantId, Instant from, Instant to, String kind, int limit) {
    long fromMs = millis(from);
    long toMs = millis(to);
    if (limit <= 0 || fromMs >= toMs) {
      return Future.succeededFuture(List.of());
    }
    return d.between(identity, Keys.auditPk(tenantId), Keys.auditFrom(fromMs), Keys.auditBefore(toMs), false, limit,
        i -> kind == null || kind.equals(str(i, "kind"))).map(items -> items.stream().map(DynamoAudit::toEntry).toList());
  }

  /** Epoch milliseconds within what the sort key holds. */
  private static long millis(Instant t) {
    return t.isBefore(Instant.EPOCH) ? 0 : t.isAfter(Instant.ofEpochMilli(MAX_MS + 1)) ? MAX_MS + 1 : t.toEpochMilli();
  }
}
