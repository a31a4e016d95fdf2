package io.agentchat.store;

import java.time.Instant;

/** A turn as stored; {@code apiKeyId} is the API key it came with (null for the web client and ID tokens). */
public record TurnRecord(String tenantId, String turnId, String userId, String sessionId, String requestId, String status,
                         String dayKey, String monthKey, Instant createdAt, Instant finishedAt, String apiKeyId) {
  /** The status of a turn until it is settled. */
  public static final String RUNNING = "running";

  /** A turn without an API key. */
  public TurnRecord(String tenantId, String turnId, String userId, String sessionId, String requestId, String status,
                    String dayKey, String monthKey, Instant createdAt, Instant finishedAt) {
    this(tenantId, turnId, userId, sessionId, requestId, status, dayKey, monthKey, createdAt, finishedAt, null);
  }

  public boolean running() {
    return RUNNING.equals(status);
  }
}
