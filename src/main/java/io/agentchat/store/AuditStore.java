package io.agentchat.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** Tenants' audit logs: append-only, read by tenant. */
public interface AuditStore {

  /** Appends an entry (an entry id appended before is not appended again). */
  Future<Void> append(AuditEntry entry);

  /** The tenant's entries at or after {@code from} and before {@code to}, of {@code kind} (null: every kind), newest first, at most {@code limit}. */
  Future<List<AuditEntry>> entries(String tenantId, Instant from, Instant to, String kind, int limit);
}
