package io.agentchat.store;

/** What a reservation did. For DUPLICATE, {@code turn} is the earlier turn with the same request id and nothing was charged. */
public record ReserveOutcome(Status status, TurnRecord turn, long dailyUsed, long monthlyUsed) {
  public enum Status { RESERVED, DUPLICATE, DAILY_EXCEEDED, MONTHLY_EXCEEDED, TENANT_BUDGET_EXCEEDED, USER_BUDGET_EXCEEDED, KEY_BUDGET_EXCEEDED }
}
