package io.agentchat.store;

/** A budget threshold (50, 80 or 100 percent) crossed for the first time in a month. Recorded once, so sent once. */
public record BudgetAlert(String tenantId, String scope, String month, int threshold, long spentNanos, long limitNanos) {
}
