package io.agentchat.store;

import java.time.Instant;

public record TurnRecord(String tenantId, String turnId, String userId, String sessionId, String requestId, String status,
                         String dayKey, String monthKey, Instant createdAt, Instant finishedAt) {
  /** The status of a turn until it is settled. */
  public static final String RUNNING = "running";

  public boolean running() {
    return RUNNING.equals(status);
  }
}
