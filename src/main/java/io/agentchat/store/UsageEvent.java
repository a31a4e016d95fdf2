package io.agentchat.store;

import java.time.Instant;

/**
 * One billable fact. {@code eventId} is deterministic ({@code <turnId>/<kind>[/n]}) so that recording the same event twice
 * changes nothing. Cost in nano-dollars.
 */
public record UsageEvent(String eventId, String tenantId, String userId, String sessionId, String turnId, UsageKind kind,
                         String service, String model, long quantity, long costNanos, boolean estimated, Instant at) {
}
