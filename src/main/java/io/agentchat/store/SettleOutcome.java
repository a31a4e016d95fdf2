package io.agentchat.store;

/** {@code applied} is false when the turn had already been settled (nothing was recorded again). */
public record SettleOutcome(boolean applied, int eventsRecorded, long turnCostNanos) {
}
