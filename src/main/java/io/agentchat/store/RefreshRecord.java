package io.agentchat.store;

import java.time.Instant;

public record RefreshRecord(String tokenHash, String tenantId, String userId, Instant expiresAt) {
}
