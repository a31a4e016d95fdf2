package io.agentchat.store;

import java.time.Instant;

public record TurnRecord(String tenantId, String turnId, String userId, String sessionId, String requestId, String status,
                         String dayKey, String monthKey, Instant createdAt, Instant finishedAt) {
  public boolean running() {
    return "running".equals(status);
  }
}
