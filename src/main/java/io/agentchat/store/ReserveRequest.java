package io.agentchat.store;

import java.time.Instant;

/**
 * Reserve one message of the user's daily and monthly quota for a new turn, and record the turn and its user message.
 * When the tenant, the user or the API key has a monthly budget, {@code budgetReserveNanos} (an upper bound of the turn's
 * cost) is held against it too; the turn is refused when that bound no longer fits. {@code apiKeyId}: the API key the turn
 * came with (null for the web client and ID tokens); the turn records it, and its key's budget scope is held and charged.
 */
public record ReserveRequest(String tenantId, String userId, String sessionId, String turnId, String requestId, String message,
                             String dayKey, String monthKey, int dailyLimit, int monthlyLimit, Instant now, long budgetReserveNanos,
                             String apiKeyId) {

  /** A reservation without an API key. */
  public ReserveRequest(String tenantId, String userId, String sessionId, String turnId, String requestId, String message,
                        String dayKey, String monthKey, int dailyLimit, int monthlyLimit, Instant now, long budgetReserveNanos) {
    this(tenantId, userId, sessionId, turnId, requestId, message, dayKey, monthKey, dailyLimit, monthlyLimit, now, budgetReserveNanos, null);
  }

  /** A reservation that holds no budget (used where budgets do not apply). */
  public ReserveRequest(String tenantId, String userId, String sessionId, String turnId, String requestId, String message,
                        String dayKey, String monthKey, int dailyLimit, int monthlyLimit, Instant now) {
    this(tenantId, userId, sessionId, turnId, requestId, message, dayKey, monthKey, dailyLimit, monthlyLimit, now, 0, null);
  }
}
