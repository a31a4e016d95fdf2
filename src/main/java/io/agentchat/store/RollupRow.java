package io.agentchat.store;

/** One daily rollup: a tenant's usage for one day, user, service and model. Reports read these, never raw events. */
public record RollupRow(String day, String userId, String service, String model, long inputTokens, long outputTokens, long invocations,
                        long toolActions, long costNanos, long events) {
}
