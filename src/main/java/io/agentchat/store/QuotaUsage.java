package io.agentchat.store;

/** Messages used in a day and a month, and the user's sessions still open. */
public record QuotaUsage(long dailyUsed, long monthlyUsed, int activeSessions) {
}
