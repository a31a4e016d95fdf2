package io.agentchat.store;

import java.util.List;

/** {@code applied} is false when the turn had already been settled (nothing was recorded again). */
public record SettleOutcome(boolean applied, int eventsRecorded, long turnCostNanos, List<BudgetAlert> alerts) {
  public SettleOutcome {
    alerts = List.copyOf(alerts);
  }

  public SettleOutcome(boolean applied, int eventsRecorded, long turnCostNanos) {
    this(applied, eventsRecorded, turnCostNanos, List.of());
  }
}
