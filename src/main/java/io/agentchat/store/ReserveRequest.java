package io.agentchat.store;

import java.time.Instant;

/** Reserve one message of the user's daily and monthly quota for a new turn, and record the turn and its user message. */
public record ReserveRequest(String tenantId, String userId, String sessionId, String turnId, String requestId, String message,
                             String dayKey, String monthKey, int dailyLimit, int monthlyLimit, Instant now) {
}
