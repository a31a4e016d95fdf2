package io.agentchat.store;

/** Sums over rollups for a period. */
public record UsageTotals(long inputTokens, long outputTokens, long invocations, long toolActions, long costNanos) {
}
