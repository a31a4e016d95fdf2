package io.agentchat.store;

import java.time.Instant;

/** An organisation: its current plan (the one admission applies), its time zone, and whether a platform operator suspended it. */
public record TenantRecord(String tenantId, String tier, String timeZone, Instant createdAt, boolean suspended) {

  /** An organisation in service. */
  public TenantRecord(String tenantId, String tier, String timeZone, Instant createdAt) {
    this(tenantId, tier, timeZone, createdAt, false);
  }
}
