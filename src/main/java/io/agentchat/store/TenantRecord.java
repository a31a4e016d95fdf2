package io.agentchat.store;

import java.time.Instant;

public record TenantRecord(String tenantId, String tier, String timeZone, Instant createdAt) {
}
