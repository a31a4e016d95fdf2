package io.agentchat.store;

import java.time.Instant;

public record SessionRecord(String tenantId, String sessionId, String userId, String tier, Instant createdAt, Instant expiresAt,
                            String title, int messageCount) {
  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
