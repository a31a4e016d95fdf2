package io.agentchat.store;

/** What one API key's settled turns used in a period: turns, tokens and cost. */
public record KeyTotals(String keyId, long turns, long inputTokens, long outputTokens, long costNanos) {
}
