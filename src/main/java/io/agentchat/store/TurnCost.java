package io.agentchat.store;

import java.time.Instant;

/** A settled turn with its totals, for reports that link costs to turns and their traces. */
public record TurnCost(String turnId, String userId, String sessionId, String status, Instant createdAt, long inputTokens,
                       long outputTokens, long costNanos) {
}
