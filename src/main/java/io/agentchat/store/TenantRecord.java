package io.agentchat.store;

import java.time.Instant;

/**
 * An organisation: its current plan (the one admission applies), its time zone, whether a platform operator suspended it,
 * and when an operator erased it ({@code erasedAt}, null while it exists: an erased organisation keeps only its usage
 * ledger, for billing).
 */
public record TenantRecord(String tenantId, String tier, String timeZone, Instant createdAt, boolean suspended, Instant erasedAt) {

  /** An organisation in service. */
  public TenantRecord(String tenantId, String tier, String timeZone, Instant createdAt) {
    this(tenantId, tier, timeZone, createdAt, false, null);
  }

  public TenantRecord(String tenantId, String tier, String timeZone, Instant createdAt, boolean suspended) {
    this(tenantId, tier, timeZone, createdAt, suspended, null);
  }

  public boolean erased() {
    return erasedAt != null;
  }
}
